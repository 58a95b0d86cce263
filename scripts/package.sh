#!/usr/bin/env bash
# Builds the Debian packages lienthong_<version>_amd64.deb and lienthong-sim_<version>_amd64.deb
# into dist/ (or $OUT_DIR): a Release build of the two binaries in build-package/ (or
# $BUILD_DIR), then CPack DEB (cmake/packaging.cmake). Extra args go to cmake.
# PACKAGE_FROM_BUILD=DIR packages an existing build tree instead of building one (the test
# suite's package test does this with the suite's own build); it must be configured with
# -DCMAKE_INSTALL_PREFIX=/usr, as scripts/test.sh does.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT_DIR="${OUT_DIR:-$ROOT/dist}"
if [ -n "${PACKAGE_FROM_BUILD:-}" ]; then
  BUILD_DIR="$PACKAGE_FROM_BUILD"
else
  "$ROOT/scripts/setup.sh"
  BUILD_DIR="${BUILD_DIR:-$ROOT/build-package}"
  export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
    -DCMAKE_INSTALL_PREFIX=/usr -DLIENTHONG_TESTS=OFF -DLIENTHONG_BENCH=OFF "$@" >/dev/null
  cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target lienthong lienthong-sim
fi
mkdir -p "$OUT_DIR"
cpack --config "$BUILD_DIR/CPackConfig.cmake" -B "$OUT_DIR" >&2
rm -rf "$OUT_DIR/_CPack_Packages"
ls "$OUT_DIR"/*.deb
