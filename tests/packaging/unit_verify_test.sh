#!/usr/bin/env bash
# systemd-analyze verify on the generated unit. The unit names /usr/bin/lienthong, which
# exists only once the package is installed: the check runs on a copy that points at
# this build's binary, everything else unchanged. Fails (does not skip) when
# systemd-analyze is missing: scripts/setup.sh installs systemd.
set -euo pipefail
UNIT="$1"
grep -q "^ExecStart=/usr/bin/lienthong " "$UNIT" || { echo "package_unit_verify: SKIPPED: the unit was configured for another prefix than /usr (scripts/test.sh configures /usr)" >&2; exit 77; }
BINARY="$2"
if ! command -v systemd-analyze >/dev/null; then
  echo "package_unit_verify: systemd-analyze not found (Debian package systemd, see scripts/setup.sh)" >&2
  exit 1
fi
WORK="$(mktemp -d "${TEST_TMPDIR:-/tmp}/unit-verify.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
sed "s#/usr/bin/lienthong#$BINARY#g" "$UNIT" >"$WORK/lienthong.service"
grep -q "^ExecStart=$BINARY serve " "$WORK/lienthong.service"
# verify prints problems on stderr and still exits 0 for some of them: any output fails.
OUT="$(systemd-analyze verify "$WORK/lienthong.service" 2>&1)" || {
  echo "$OUT" >&2
  exit 1
}
if [ -n "$OUT" ]; then
  echo "package_unit_verify: systemd-analyze verify reported:" >&2
  echo "$OUT" >&2
  exit 1
fi
# What the unit must keep (issue #18): no privileges, read-only system, secrets outside.
for line in "User=lienthong" "NoNewPrivileges=yes" "ProtectSystem=strict" "PrivateTmp=yes" \
  "ReadWritePaths=/var/lib/lienthong" "CapabilityBoundingSet=" "Type=notify" \
  "EnvironmentFile=-/etc/lienthong/secrets.env"; do
  grep -qx "$line" "$UNIT" || {
    echo "package_unit_verify: the unit lacks the line $line" >&2
    exit 1
  }
done
if grep -Eq "^Environment=.*(SECRET|PASSWORD|TOKEN|CONNINFO)" "$UNIT"; then
  echo "package_unit_verify: a secret is set in the unit itself" >&2
  exit 1
fi
echo "package_unit_verify: ok"
