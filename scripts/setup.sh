#!/usr/bin/env bash
# Installs the build and test dependencies from Debian's packages. Idempotent: skips
# apt entirely when everything is already there.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  libcurl4-openssl-dev libboost-dev libboost-system-dev libssl-dev openssl
  rapidjson-dev libpugixml-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql libtcmalloc-minimal4 libsystemd-dev libsodium-dev libxlsxwriter-dev libcli11-dev
  dpkg-dev fakeroot systemd logrotate
  curl wrk nginx-light python3
  chromium nodejs
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm installs puppeteer-core for the console's browser test (tests/browser, `npm ci` from its
# lock file). Debian's npm, unless the Node.js in use already brings its own (NodeSource's
# nodejs does, and conflicts with Debian's npm package).
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing npm"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
fi

# promtool checks the shipped alert rules (tests/deploy/monitoring). Debian ships it only
# inside the `prometheus` package, whose installation would also start a Prometheus
# server on port 9090; the binary alone (static, needs only libc) is taken out of it.
if ! command -v promtool >/dev/null 2>&1; then
  echo "setup: installing promtool from Debian's prometheus package"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  tmp="$(mktemp -d)"
  (cd "$tmp" && { apt-get download prometheus >/dev/null 2>&1 || { $SUDO apt-get update -qq && apt-get download prometheus; }; } &&
    dpkg-deb -x prometheus_*.deb x && $SUDO install -m 755 x/usr/bin/promtool /usr/local/bin/promtool)
  rm -rf "$tmp"
fi
