#!/usr/bin/env bash
# The suite under AddressSanitizer + UBSan, in build-asan/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/setup.sh"
export BUILD_DIR="$ROOT/build-asan"
BUILD_TYPE=Debug "$ROOT/scripts/build.sh" -DLIENTHONG_SANITIZE=ON -DLIENTHONG_BENCH=OFF
cd "$BUILD_DIR"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 600
