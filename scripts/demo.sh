#!/usr/bin/env bash
# The demo: installs dependencies, builds lienthong and lienthong-sim, starts the
# simulated upstream systems on free loopback ports (the provincial one-stop-shop behind
# its LGSP token endpoint, and DVCQG) with light injected faults, writes a config for
# them (SQLite store in a temporary directory), runs `lienthong sync`, and prints the
# gateway's summary next to the simulated portal's own count, checking that they agree.
# Then runs the sync again to show that nothing unchanged is pushed twice.
#   DEMO_DOSSIERS=N (default 400)   DEMO_KEEP=1 keeps the work directory
#   DEMO_STORE=postgresql puts the store on a throwaway PostgreSQL server instead
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
DOSSIERS="${DEMO_DOSSIERS:-400}"

"$ROOT/scripts/setup.sh"
export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
fi
echo "demo: building lienthong and lienthong-sim"
cmake --build "$BUILD_DIR" -j "${JOBS:-$(nproc)}" --target lienthong lienthong-sim >/dev/null

LIENTHONG="$BUILD_DIR/app/lienthong"
SIM="$BUILD_DIR/sim/lienthong-sim"
WORK="$(mktemp -d -t lienthong-demo.XXXXXX)"
SIM_PID=""
PG_DATA="" PG_BIN="" AS_PG=""
cleanup() {
  if [ -n "$PG_DATA" ]; then $AS_PG "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true; fi
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  if [ "${DEMO_KEEP:-0}" = 1 ]; then echo "demo: work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Light faults: 2% 5xx, 0.5% timeouts, 0.5% dropped connections, 2 ms latency; the LGSP
# token is revoked every 3 calls and the DVCQG session ends every 20 calls.
# The data set as of now: dossiers received over the last ten weeks.
"$SIM" all --seed 7 --dossiers "$DOSSIERS" --invalid-share 0.04 --calendar-dir "$ROOT/mappings/calendar" --as-of now \
  --fail-5xx 0.02 --timeout-share 0.005 --hang-ms 1500 --drop-share 0.005 --latency-ms 2 \
  --expire-token-after 3 --expire-session-after 20 >"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM_PID=$!
for _ in $(seq 1 100); do
  [ -s "$WORK/sim.out" ] && break
  sleep 0.1
done
READY="$(head -n1 "$WORK/sim.out")"
port() { echo "$READY" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
OSS_PORT="$(port one_stop_shop_port)"
TOKEN_PORT="$(port token_port)"
DVCQG_PORT="$(port dvcqg_port)"
if [ -z "$OSS_PORT" ] || [ -z "$DVCQG_PORT" ]; then
  echo "demo: the simulators did not start:" >&2
  cat "$WORK/sim.err" >&2
  exit 1
fi
echo "demo: simulators up — one-stop-shop :$OSS_PORT, LGSP token :$TOKEN_PORT, DVCQG :$DVCQG_PORT"

export DEMO_LGSP_SECRET=sim-secret DEMO_DVCQG_PASSWORD=sim-password
STORE_JSON="{ \"backend\": \"sqlite\", \"path\": \"$WORK/lienthong.db\" }"
if [ "${DEMO_STORE:-sqlite}" = postgresql ]; then
  # initdb in the work directory, listening on a unix socket there only; PostgreSQL
  # refuses root, so as root the server runs as the postgres system user.
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "demo: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (package postgresql)" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then AS_PG="runuser -u postgres --"; chown postgres "$WORK"; fi
  $AS_PG "$PG_BIN/initdb" -D "$WORK/pgdata" -U lienthong -A trust -E UTF8 --locale=C >"$WORK/initdb.log"
  PG_DATA="$WORK/pgdata"
  $AS_PG "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/postgres.log" -w -o "-k $WORK -c listen_addresses=''" \
    start >/dev/null
  export DEMO_PG_CONNINFO="host=$WORK dbname=postgres user=lienthong"
  STORE_JSON='{ "backend": "postgresql", "postgresql": { "conninfo": { "env": "DEMO_PG_CONNINFO" } } }'
  echo "demo: store on PostgreSQL ($("$PG_BIN/postgres" --version))"
fi
cat >"$WORK/lienthong.json" <<JSON
{
  "log": { "level": "warn", "file": "$WORK/lienthong.log" },
  "store": $STORE_JSON,
  "outbox": { "backoff_initial_ms": 100, "backoff_max_ms": 2000, "lease_ms": 5000, "max_attempts": 12 },
  "adapters": {
    "one_stop_shop": {
      "base_url": "http://127.0.0.1:$OSS_PORT",
      "mapping": "$ROOT/mappings/one_stop_shop/dossier_event.json",
      "timeout_ms": 1000,
      "token": { "token_url": "http://127.0.0.1:$TOKEN_PORT/token", "client_id": "lienthong",
                 "client_secret": { "env": "DEMO_LGSP_SECRET" } }
    },
    "dvcqg": {
      "base_url": "http://127.0.0.1:$DVCQG_PORT",
      "username": "lienthong", "password": { "env": "DEMO_DVCQG_PASSWORD" },
      "madonvi": "000.00.00.H56", "batch_size": 100, "timeout_ms": 1000,
      "dossier_mapping": "$ROOT/mappings/dvcqg/dossier.json",
      "progress_mapping": "$ROOT/mappings/dvcqg/progress.json",
      "transitions": "$ROOT/mappings/dvcqg/status_transitions.json",
      "agency_names": "$ROOT/mappings/dvcqg/agency_names.json",
      "procedures": "$ROOT/mappings/procedures.json"
    }
  },
  "sync": { "source": "one_stop_shop", "destinations": ["dvcqg"], "page_size": 25,
            "pull_backoff_ms": 100, "drain_timeout_seconds": 120 },
  "calendar": { "calendar_dir": "$ROOT/mappings/calendar" },
  "kpi": { "procedures": "$ROOT/mappings/procedures.json" }
}
JSON

"$LIENTHONG" config check "$WORK/lienthong.json" >/dev/null
echo
echo "== lienthong sync (first run) =="
set +e
"$LIENTHONG" sync --config "$WORK/lienthong.json" --json >"$WORK/run1.json"
RC=$?
set -e
SUMMARY="$(cat "$WORK/run1.json")"
PORTAL="$(curl -sf "http://127.0.0.1:$DVCQG_PORT/__sim/stats")"
SOURCE="$(curl -sf "http://127.0.0.1:$OSS_PORT/__sim/stats")"
QUARANTINE="$("$LIENTHONG" quarantine count --config "$WORK/lienthong.json" --json)"

python3 - "$SUMMARY" "$PORTAL" "$SOURCE" "$QUARANTINE" "$RC" <<'PY'
import json, sys
s, p, src, q, rc = (json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3]),
                    json.loads(sys.argv[4]), int(sys.argv[5]))
if "pushed" not in s:
    print("demo: the sync run failed:", s); sys.exit(1)
print(f"  pulled        {s['pulled']} dossiers ({s['new_events']} new status events, {s['pages']} pages)")
print(f"  pushed        {s['pushed']}")
print(f"  unchanged     {s['unchanged']}")
print(f"  quarantined   {s['quarantined']}  (+ {s['dead_lettered']} refused by the portal: {q['quarantined']} in quarantine in all)")
print(f"  retried       {s['retried']}")
print(f"  dead-lettered {s['dead_lettered']}")
d = src["data"]
print(f"  due dates     {s['due_mismatches']} dossiers with one that is not the legal one (checked against the "
      f"catalogue and the working-day calendar); {s['overdue']} overdue, {s['at_risk']} at risk today")
print(f"  took          {s['elapsed_ms']} ms")
print()
print("== the simulated portal's own count (DVCQG) ==")
print(f"  dossiers {p['dossiers']}, status records {p['progress_records']}, duplicates {p['duplicates']}, "
      f"out of order {p['out_of_order']}, refused {p['rejected']} {p['rejected_by_code']}")
print(f"  sessions opened {p['auth_calls']} (expired {p['session_expirations']} times)")
print(f"== the simulated provincial system: {d['dossiers']} dossiers, {d['events']} status events, "
      f"{d['invalid_dossiers']} invalid dossiers, {d['valid_events']} valid events; "
      f"LGSP tokens issued {src['token']['issued']} (revoked {src['token']['revocations']} times)")
print(f"  {d['wrong_due_dates']} of its valid dossiers, received over the last ten weeks, carry a due date "
      "one working day later than the legal one")
delivered = (s["pushed"] == p["progress_records"] and p["duplicates"] == 0 and p["out_of_order"] == 0
             and p["progress_records"] == d["valid_events"] and rc == 0)
flagged = s["due_mismatches"] == d["wrong_due_dates"]
ok = delivered and flagged
print()
if ok:
    print(f"OK: the gateway pushed {s['pushed']} status events and the portal counts {p['progress_records']}; "
          "every valid event arrived once, in order; every wrong due date was flagged.")
else:
    if not delivered:
        print("MISMATCH: gateway and portal disagree (see above)")
    if not flagged:
        print(f"MISMATCH: {s['due_mismatches']} due dates flagged, the provincial data set has {d['wrong_due_dates']} wrong")
    sys.exit(1)
PY

echo
echo "== lienthong sync (second run: nothing changed, nothing is pushed) =="
"$LIENTHONG" sync --config "$WORK/lienthong.json"
echo
echo "== lienthong monitor due (due dates the provincial system sent that are not the legal one; first 8) =="
"$LIENTHONG" monitor due --config "$WORK/lienthong.json" > "$WORK/monitor_due.txt"
head -n 9 "$WORK/monitor_due.txt"
echo
echo "== lienthong monitor deadlines (open dossiers overdue or due within 8 working hours; first 8) =="
"$LIENTHONG" monitor deadlines --config "$WORK/lienthong.json" > "$WORK/deadlines.txt"
head -n 9 "$WORK/deadlines.txt"
echo
# The simulated ten weeks, in Vietnam's calendar days.
PERIOD="$(TZ=Asia/Ho_Chi_Minh date -d '70 days ago' +%F)..$(TZ=Asia/Ho_Chi_Minh date +%F)"
echo "== lienthong monitor ack --period $PERIOD (online dossiers not acknowledged within 8 working hours; first 8) =="
"$LIENTHONG" monitor ack --period "$PERIOD" --config "$WORK/lienthong.json" > "$WORK/ack.txt"
head -n 9 "$WORK/ack.txt"
echo
echo "== lienthong kpi --period $PERIOD --by level (the provincial indicators; on time: target 95 %) =="
"$LIENTHONG" kpi --period "$PERIOD" --by level --config "$WORK/lienthong.json" > "$WORK/kpi.txt"
grep -E '^(period|indicator|on_time|online_payment_dossiers)' "$WORK/kpi.txt"
echo
echo "== lienthong quarantine list (first 8) =="
"$LIENTHONG" quarantine list --config "$WORK/lienthong.json" > "$WORK/quarantine.txt"
head -n 9 "$WORK/quarantine.txt"
