#!/usr/bin/env bash
# Fails when a C++ file under src/ apps/ bench/ fuzz/ tests/ differs from .clang-format.
set -u
root=${1:?project root}
cd "$root" || exit 1
command -v clang-format >/dev/null || { echo "clang-format missing"; exit 1; }
files=$(git ls-files -- 'src/*.hpp' 'src/*.cpp' 'apps/*.cpp' 'apps/*.hpp' 'bench/*.cpp' 'fuzz/*.cpp' \
  'tests/*.cpp' 'tests/*.hpp' 2>/dev/null || find src apps bench fuzz tests -name '*.[ch]pp')
[[ -n "$files" ]] || exit 0
clang-format --dry-run --Werror $files
