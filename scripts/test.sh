#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds with -Werror, runs every test.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/scripts/setup.sh"
export BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
# The suite's build: -O1 without debug info compiles and links fastest on 2 cores, and
# keeps assertions on (no NDEBUG). BUILD_TYPE=RelWithDebInfo gives the usual build.
export BUILD_TYPE="${BUILD_TYPE:-Suite}"
# Prefix /usr: the package test (ctest -L package) packages this build as the .deb does.
"$ROOT/scripts/build.sh" -DLIENTHONG_WERROR=ON -DCMAKE_CXX_FLAGS_SUITE="-O1" -DCMAKE_C_FLAGS_SUITE="-O1" \
  -DCMAKE_INSTALL_PREFIX=/usr
cd "$BUILD_DIR"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 300
