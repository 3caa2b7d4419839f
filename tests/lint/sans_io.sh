#!/usr/bin/env bash
# Fails if code below io/ and sim/ touches I/O, threads, OS randomness or a clock (ARCHITECTURE.md 2).
# Forbidden: asio (any include form), <thread> and std::thread/jthread/async/this_thread, std::random_device,
# getrandom and /dev/urandom, any standard clock type (so aliases such as `using Clock = steady_clock` are
# caught too), a `...clock...::now()` / `.now()` call, and the C clock reads (clock_gettime, gettimeofday,
# timespec_get, std::time). SystemEntropy (core/rng) reaches OS randomness only through libsodium and is
# constructed by shells alone.
# Usage: sans_io.sh <src-dir>
set -u
src=${1:?src dir}
layers=(core codec crypto erasure proto node)
pattern='#[[:space:]]*include[[:space:]]*[<"](asio[./>"]|boost/asio|thread[>"])'
pattern+='|std::(random_device|this_thread|thread|jthread|async)\b|\brandom_device\b|\bgetrandom[[:space:]]*\(|/dev/u?random'
pattern+='|\b(system|steady|high_resolution|utc|tai|gps|file)_clock\b'
pattern+='|[Cc]lock[A-Za-z0-9_]*[[:space:]]*(\{\}|\(\))?[[:space:]]*(::|\.|->)[[:space:]]*now[[:space:]]*\('
pattern+='|\b(clock_gettime|gettimeofday|timespec_get)\b|std::time[[:space:]]*\('
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
