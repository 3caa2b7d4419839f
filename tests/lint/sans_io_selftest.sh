#!/usr/bin/env bash
# Proves the sans-I/O lint can fail: each forbidden construct, planted in a scratch tree, is caught, in
# every sans-I/O layer and in .hpp/.h files too; ordinary code and the io/ and sim/ shells are not flagged.
set -u
lint=${1:?path to sans_io.sh}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
layers=(core codec crypto erasure proto node)
for l in "${layers[@]}"; do mkdir -p "$tmp/$l/x"; done
mkdir -p "$tmp/io" "$tmp/sim"
cat >"$tmp/proto/x/ok.cpp" <<'CPP'
#include <chrono>
#include "core/time.hpp"
#include "proto/threading_model.hpp"
void on_tick(TimePoint now);  // time as an argument
TimePoint later = now + 5ms;
int clock_skew = 0;  // a name, not a clock
Duration threshold{1};
CPP
printf '#include <asio.hpp>\n#include <thread>\nauto t = std::chrono::steady_clock::now();\n' >"$tmp/io/shell.cpp"
printf 'auto t = std::chrono::steady_clock::now();\nstd::random_device rd;\n' >"$tmp/sim/clock.cpp"
bash "$lint" "$tmp" >/dev/null || { echo "clean tree flagged:"; bash "$lint" "$tmp"; exit 1; }
bad=('#include <asio.hpp>' '#include <asio/ip/tcp.hpp>' '#include "asio.hpp"' '#include <boost/asio.hpp>'
     '#include <thread>' '#  include <thread>' 'std::thread worker([] {});' 'std::jthread worker([] {});'
     'auto f = std::async([] { return 1; });' 'std::this_thread::yield();'
     'std::random_device rd;' 'getrandom(buf, 32, 0);' 'int fd = open("/dev/urandom", O_RDONLY);'
     'auto t = std::chrono::steady_clock::now();' 'auto t = system_clock::now ();'
     'auto t = std::chrono::high_resolution_clock::now();' 'using Clock = std::chrono::steady_clock;'
     'using namespace std::chrono; using C = system_clock;' 'auto t = Clock::now();' 'auto t = clock_.now();'
     'auto t = clock->now();' 'clock_gettime(CLOCK_MONOTONIC, &ts);' 'gettimeofday(&tv, nullptr);'
     'timespec_get(&ts, TIME_UTC);' 'auto t = std::time(nullptr);')
for line in "${bad[@]}"; do
  printf '%s\n' "$line" >"$tmp/proto/x/bad.cpp"
  if bash "$lint" "$tmp" >/dev/null; then echo "not caught: $line"; exit 1; fi
done
rm -f "$tmp/proto/x/bad.cpp"
n=0
for l in "${layers[@]}"; do
  for ext in cpp hpp h; do
    printf 'auto t = std::chrono::steady_clock::now();\n' >"$tmp/$l/x/bad.$ext"
    if bash "$lint" "$tmp" >/dev/null; then echo "not caught in $l/*.$ext"; exit 1; fi
    rm -f "$tmp/$l/x/bad.$ext"
    n=$((n + 1))
  done
done
echo "sans-I/O lint catches all ${#bad[@]} planted violations, in all $n layer/extension places"
