#!/usr/bin/env bash
# The Debian packages of this build tree (scripts/package.sh with PACKAGE_FROM_BUILD: no
# second build), checked as an operator would use them:
#   - the control data: dependencies found by shlibdeps, the config a conffile, the
#     maintainer scripts creating the lienthong user and the state folder;
#   - unpacked (dpkg-deb -x) into a throwaway root: the FHS layout, `lienthong config check`
#     on the installed default config, the installed binary serving against the installed
#     simulators (as the lienthong user when run as root), /readyz, readiness reported to
#     a systemd notify socket, SIGHUP reopening the log and keeping the service, SIGTERM;
#   - nothing written outside the state folder, so removing the package's files leaves
#     only /var/lib/lienthong (which purge removes, see postrm).
# Why not `dpkg -i`: the suite runs as root on CI and developer machines shared by
# others; a real install would create a user, start a service and write /etc for the
# whole machine. The maintainer scripts are checked by content instead.
# The throwaway root is not a chroot: the installed default config names /usr/share/lienthong
# and /var/lib/lienthong, so the test runs a copy with those two prefixes moved into the
# root — exactly the relocation a chroot would do — and checks that nothing else differs.
set -euo pipefail
BUILD="$1"
VERSION="$2"
SRC="$(cd "$(dirname "$0")/../.." && pwd)"
fail() {
  echo "package_install: $*" >&2
  exit 1
}
prefix="$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")"
if [ "$prefix" != /usr ]; then
  echo "package_install: SKIPPED: this build tree has CMAKE_INSTALL_PREFIX=$prefix; the package needs /usr" \
    "(scripts/test.sh configures it so)" >&2
  exit 77
fi
WORK="$(mktemp -d "${TEST_TMPDIR:-/tmp}/package.XXXXXX")"
chmod 0755 "$WORK"
PIDS=()
CREATED_USER=""
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$CREATED_USER" ]; then
    deluser --system --quiet lienthong >/dev/null 2>&1 || userdel lienthong 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- build the packages from this tree
PACKAGE_FROM_BUILD="$BUILD" OUT_DIR="$WORK/dist" "$SRC/scripts/package.sh" >"$WORK/package.out" 2>"$WORK/package.err" ||
  { cat "$WORK/package.err" >&2; fail "scripts/package.sh failed"; }
DEB="$WORK/dist/lienthong_${VERSION}_amd64.deb"
SIMDEB="$WORK/dist/lienthong-sim_${VERSION}_amd64.deb"
[ -f "$DEB" ] || fail "no $DEB; built: $(ls "$WORK/dist")"
[ -f "$SIMDEB" ] || fail "no $SIMDEB; built: $(ls "$WORK/dist")"

# --- control data
depends="$(dpkg-deb -f "$DEB" Depends)"
for lib in libc6 libssl3 libsqlite3-0 libpq5 libcurl4 libsystemd0 adduser; do
  echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib (shlibdeps): $depends"
done
mkdir "$WORK/control"
dpkg-deb -e "$DEB" "$WORK/control"
[ "$(cat "$WORK/control/conffiles")" = /etc/lienthong/lienthong.json ] || fail "conffiles: $(cat "$WORK/control/conffiles")"
grep -q "adduser --system .*lienthong" "$WORK/control/postinst" || fail "postinst does not create the lienthong system user"
grep -q "install -d -o lienthong -g lienthong -m 0750 /var/lib/lienthong" "$WORK/control/postinst" ||
  fail "postinst does not create /var/lib/lienthong for the lienthong user"
grep -q "rm -rf /var/lib/lienthong" "$WORK/control/postrm" || fail "postrm purge does not remove the state folder"
for s in postinst prerm postrm; do sh -n "$WORK/control/$s" || fail "$s is not valid sh"; done
if dpkg-deb -c "$DEB" | grep -q "usr/bin/lienthong-sim"; then fail "the simulators are in the main package"; fi

# --- unpack into a throwaway root
R="$WORK/root"
dpkg-deb -x "$DEB" "$R"
dpkg-deb -x "$SIMDEB" "$R"
for f in usr/bin/lienthong usr/bin/lienthong-sim etc/lienthong/lienthong.json usr/lib/systemd/system/lienthong.service \
  usr/share/lienthong/mappings/procedures.json usr/share/lienthong/mappings/calendar/2026.json \
  usr/share/lienthong/mappings/codes/units.json usr/share/lienthong/mappings/dvcqg/dossier.json \
  usr/share/doc/lienthong/operations.md; do
  [ -e "$R/$f" ] || fail "the package lacks /$f"
done
find "$R" -printf '%P\n' | sort >"$WORK/files.before"
mkdir -p "$R/var/lib/lienthong"

# The installed default config, moved into the root (see the header); only the data and
# state prefixes may change.
CFG_DEFAULT="$WORK/default.json"
sed -e "s#\"/usr/share/lienthong#\"$R/usr/share/lienthong#g" -e "s#\"/var/lib/lienthong#\"$R/var/lib/lienthong#g" \
  "$R/etc/lienthong/lienthong.json" >"$CFG_DEFAULT"
[ "$(diff "$R/etc/lienthong/lienthong.json" "$CFG_DEFAULT" | grep -c '^>')" -eq 2 ] ||
  fail "the default config names other absolute paths than data_dir and the store: $(cat "$R/etc/lienthong/lienthong.json")"

# --- who runs it
AS=()
RUN_USER="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
  if ! getent passwd lienthong >/dev/null; then
    adduser --system --quiet --group --home /nonexistent --no-create-home lienthong >/dev/null 2>&1 ||
      useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin lienthong
    CREATED_USER=1
  fi
  # What postinst does to the config and the state folder.
  chgrp lienthong "$R/etc/lienthong/lienthong.json"
  chown -R lienthong:lienthong "$R/var/lib/lienthong"
  # The folders above the work directory must let the user through.
  if runuser -u lienthong -- test -r "$R/etc/lienthong/lienthong.json" -a -x "$R/usr/bin/lienthong"; then
    AS=(runuser -u lienthong --)
    RUN_USER=lienthong
  else
    echo "package_install: the lienthong user cannot reach $WORK; running as $(id -un) instead" >&2
  fi
else
  echo "package_install: not root: running as $(id -un), not as the lienthong user" >&2
fi
chmod 0755 "$WORK"
cp "$CFG_DEFAULT" "$WORK/cfg-default.json"
chmod 0644 "$WORK/default.json" "$WORK/cfg-default.json"

"${AS[@]}" "$R/usr/bin/lienthong" config check "$CFG_DEFAULT" >"$WORK/check.out" 2>&1 ||
  { cat "$WORK/check.out" >&2; fail "config check refused the installed default config"; }
grep -q ": valid" "$WORK/check.out" || fail "config check: $(cat "$WORK/check.out")"

# --- the simulators, from the lienthong-sim package
"$R/usr/bin/lienthong-sim" all --seed 3 --dossiers 30 --calendar-dir "$R/usr/share/lienthong/mappings/calendar" \
  --as-of now >"$WORK/sim.out" 2>"$WORK/sim.err" &
PIDS+=($!)
for _ in $(seq 1 100); do
  [ -s "$WORK/sim.out" ] && break
  sleep 0.1
done
READY="$(head -n1 "$WORK/sim.out")"
port() { echo "$READY" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
OSS_PORT="$(port one_stop_shop_port)"
TOKEN_PORT="$(port token_port)"
DVCQG_PORT="$(port dvcqg_port)"
[ -n "$OSS_PORT" ] && [ -n "$DVCQG_PORT" ] || fail "the simulators did not start: $(cat "$WORK/sim.err")"

# The default config with the adapters and the sync flow a site adds, secrets by file (as
# systemd's LoadCredential= gives them), the HTTP port chosen by the kernel, a log file.
mkdir -p "$WORK/credentials"
printf 'sim-secret' >"$WORK/credentials/lgsp-secret"
printf 'sim-password' >"$WORK/credentials/dvcqg-password"
chmod 0644 "$WORK"/credentials/*
python3 - "$CFG_DEFAULT" "$WORK/serve.json" "$OSS_PORT" "$TOKEN_PORT" "$DVCQG_PORT" "$WORK/credentials" "$R" <<'PY'
import json, sys
src, dst, oss, token, dvcqg, cred, root = sys.argv[1:]
c = json.load(open(src))
c["server"]["port"] = 0
c["log"]["file"] = root + "/var/lib/lienthong/lienthong.log"
c["adapters"] = {
    "one_stop_shop": {"base_url": f"http://127.0.0.1:{oss}", "timeout_ms": 2000,
                      "token": {"token_url": f"http://127.0.0.1:{token}/token", "client_id": "lienthong",
                                "client_secret": {"file": cred + "/lgsp-secret"}}},
    "dvcqg": {"base_url": f"http://127.0.0.1:{dvcqg}", "username": "lienthong",
              "password": {"file": cred + "/dvcqg-password"}, "madonvi": "000.00.00.H56", "timeout_ms": 2000},
}
c["sync"] = {"source": "one_stop_shop", "destinations": ["dvcqg"], "interval_seconds": 3600,
             "drain_timeout_seconds": 20}
json.dump(c, open(dst, "w"), indent=2)
PY
chmod 0644 "$WORK/serve.json"
"${AS[@]}" "$R/usr/bin/lienthong" config check "$WORK/serve.json" >"$WORK/check2.out" 2>&1 ||
  { cat "$WORK/check2.out" >&2; fail "config check refused the config with adapters"; }

# A notify socket standing in for systemd's (Type=notify): records what serve sends.
NOTIFY="$WORK/notify.sock"
python3 - "$NOTIFY" "$WORK/notify.log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode() + "\n")
PY
PIDS+=($!)
for _ in $(seq 1 50); do
  [ -S "$NOTIFY" ] && break
  sleep 0.1
done

"${AS[@]}" env NOTIFY_SOCKET="$NOTIFY" "$R/usr/bin/lienthong" serve --config "$WORK/serve.json" \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVE_PID=$!
PIDS+=($SERVE_PID)
LISTEN=""
for _ in $(seq 1 150); do
  LISTEN="$(sed -n 's/.*"listening":\([0-9]*\).*/\1/p' "$WORK/serve.out" | head -n1)"
  [ -n "$LISTEN" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || break
  sleep 0.1
done
# /readyz is on the admin listener ({"listening":P,"admin":Q}).
ADMIN="$(sed -n 's/.*"admin":\([0-9]*\).*/\1/p' "$WORK/serve.out" | head -n1)"
[ -n "$LISTEN" ] || fail "serve did not start: $(cat "$WORK/serve.err") $(cat "$R/var/lib/lienthong/lienthong.log" 2>/dev/null)"
# The serve process is runuser's child when run as lienthong: signal the gateway itself.
GW_PID="$(pgrep -P "$SERVE_PID" -x lienthong || echo "$SERVE_PID")"
[ "$(stat -c %U /proc/"$GW_PID")" = "$RUN_USER" ] || fail "serve runs as $(stat -c %U /proc/"$GW_PID"), not $RUN_USER"
readyz="$(curl -s -o /dev/stdout -w ' %{http_code}' "http://127.0.0.1:$ADMIN/readyz")"
[ "$readyz" = '{"ready":true} 200' ] || fail "/readyz answered: $readyz"
for _ in $(seq 1 50); do
  grep -q "READY=1" "$WORK/notify.log" 2>/dev/null && break
  sleep 0.1
done
grep -q "READY=1" "$WORK/notify.log" || fail "serve did not send READY=1 to NOTIFY_SOCKET"

# logrotate's way: move the log, SIGHUP; the gateway keeps serving and writes a new file.
LOG="$R/var/lib/lienthong/lienthong.log"
mv "$LOG" "$LOG.1"
kill -HUP "$GW_PID"
for _ in $(seq 1 50); do
  [ -s "$LOG" ] && break
  sleep 0.1
done
[ -s "$LOG" ] || fail "after SIGHUP no new log file at $LOG"
grep -q "log file reopened" "$LOG" || fail "the new log lacks the reload line: $(cat "$LOG")"
kill -0 "$GW_PID" 2>/dev/null || fail "SIGHUP ended serve: $(cat "$WORK/serve.err")"
readyz="$(curl -s "http://127.0.0.1:$ADMIN/readyz")"
[ "$readyz" = '{"ready":true}' ] || fail "/readyz after SIGHUP answered: $readyz"

kill -TERM "$GW_PID"
rc=0
wait "$SERVE_PID" || rc=$?
[ "$rc" -eq 0 ] || fail "serve exited $rc after SIGTERM: $(tail -n 5 "$WORK/serve.err")"
grep -q "STOPPING=1" "$WORK/notify.log" || fail "serve did not send STOPPING=1"

# --- nothing written outside the state folder: removing the package's files leaves it alone
find "$R" -printf '%P\n' | sort >"$WORK/files.after"
extra="$(comm -13 "$WORK/files.before" "$WORK/files.after" | grep -v '^var/lib/lienthong\(/\|$\)' | grep -v '^var$\|^var/lib$' || true)"
[ -z "$extra" ] || fail "files written outside /var/lib/lienthong: $extra"
[ -s "$R/var/lib/lienthong/lienthong.db" ] || fail "no store in /var/lib/lienthong"
echo "package_install: ok (ran as $RUN_USER)"
