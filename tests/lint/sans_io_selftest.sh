#!/usr/bin/env bash
# Proves the sans-I/O lint can fail: each forbidden construct, planted in a scratch tree, is caught.
set -u
lint=${1:?path to sans_io.sh}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/proto/x" "$tmp/io"
printf '#include "core/time.hpp"\nint f();\n' >"$tmp/proto/x/ok.cpp"
printf '#include <asio.hpp>\n' >"$tmp/io/shell.cpp"  # allowed in io/
bash "$lint" "$tmp" || { echo "clean tree flagged"; exit 1; }
bad=('#include <asio.hpp>' '#include <asio/ip/tcp.hpp>' '#include <thread>' 'std::random_device rd;'
     'auto t = std::chrono::steady_clock::now();' 'auto t = system_clock::now ();')
for line in "${bad[@]}"; do
  printf '%s\n' "$line" >"$tmp/proto/x/bad.cpp"
  if bash "$lint" "$tmp" >/dev/null; then echo "not caught: $line"; exit 1; fi
done
echo "sans-I/O lint catches all ${#bad[@]} planted violations"
