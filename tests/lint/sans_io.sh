#!/usr/bin/env bash
# Fails if code below io/ and sim/ touches I/O, threads, OS randomness or a clock (ARCHITECTURE.md 2).
# Usage: sans_io.sh <src-dir>
set -u
src=${1:?src dir}
layers=(core codec crypto erasure proto node)
pattern='#[[:space:]]*include[[:space:]]*[<"](asio[./>"]|boost/asio|thread[>"])|std::random_device|_clock::now[[:space:]]*\(|std::this_thread'
status=0
for layer in "${layers[@]}"; do
  [[ -d "$src/$layer" ]] || continue
  if hits=$(grep -RInE "$pattern" "$src/$layer" --include='*.hpp' --include='*.cpp' --include='*.h'); then
    echo "sans-I/O violation in $layer/:"
    echo "$hits"
    status=1
  fi
done
exit $status
