#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ and runs each for
# ${FUZZ_SECONDS:-30} seconds (make target: fuzz-run).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/setup.sh"
BUILD_DIR="$ROOT/build-fuzz" CC=clang CXX=clang++ BUILD_TYPE=Debug "$ROOT/scripts/build.sh" \
  -DLIENTHONG_FUZZ=ON -DLIENTHONG_TESTS=ON -DLIENTHONG_BENCH=OFF -DLIENTHONG_WERROR=OFF \
  -DLIENTHONG_FUZZ_SECONDS="${FUZZ_SECONDS:-30}" -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined"
cmake --build "$ROOT/build-fuzz" --target fuzz-run
