#!/usr/bin/env bash
# Soak test on loopback, bounded: `tidings serve` (SQLite, demo corpus, background fetching on)
# follows 1,000 fixture feeds that keep publishing (bench/outlets.py) while readers load pages
# and post comments (wrk + bench/soak.lua) for MINUTES (default 10). The server's memory is
# sampled every 5 s. Afterwards publishing stops, the last items are given up to DRAIN_SECONDS
# to be fetched, and the run is checked: no HTTP 5xx, no fetch errors, every published item
# stored exactly once, every comment that was accepted (303) stored, memory flat. Prints a
# Markdown report for docs/BENCHMARKS.md; exits 1 when a check fails.
#
# Needs wrk (Debian: apt-get install wrk) and python3. Everything listens on 127.0.0.1 only.
#
#   bash bench/soak.sh            # 10 minutes
#   bash bench/soak.sh 1          # a one-minute smoke run
#
# Knobs (environment): SOAK_PROFILE=release|debug, SOAK_FEEDS (1000), SOAK_RATE (items published
# per second, 10), SOAK_CONNECTIONS (8), SOAK_DELAY_MS (pause per connection between requests,
# 20), DRAIN_SECONDS (240), SOAK_KEEP=1 keeps the work folder, SOAK_BIN=PATH runs that binary
# instead of building one.
set -euo pipefail
minutes=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
profile=${SOAK_PROFILE:-release}
feeds=${SOAK_FEEDS:-1000}
rate=${SOAK_RATE:-10}
conns=${SOAK_CONNECTIONS:-8}
export SOAK_DELAY_MS=${SOAK_DELAY_MS:-20}
drain=${DRAIN_SECONDS:-240}
web=127.0.0.1:18185
outlet_port=18190
seconds=$((minutes * 60))
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${SOAK_KEEP:-0}" = 1 ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "soak.sh needs wrk (apt-get install wrk)" >&2; exit 2; }

if [ -n "${SOAK_BIN:-}" ]; then
  bin=$SOAK_BIN
  profile="SOAK_BIN=$bin"
elif [ "$profile" = release ]; then
  cargo build --release -q -p tidings --manifest-path "$root/Cargo.toml"
  bin="$target/release/tidings"
else
  cargo build -q -p tidings --manifest-path "$root/Cargo.toml"
  bin="$target/debug/tidings"
fi
db="$work/soak.db"
cat > "$work/tidings.toml" <<TOML
database_url = "sqlite://$db"
[fetch]
allow_private = ["127.0.0.1/32"]
host_interval_ms = 0
min_interval_secs = 15
max_interval_secs = 60
concurrency = 8
TOML
export TIDINGS_SERVER__COMMENTS_PER_MINUTE=100000000 TIDINGS_SERVER__COMMENTS_PER_ADDRESS_MINUTE=100000000
t() { "$bin" --config "$work/tidings.toml" "$@"; }

python3 "$root/bench/outlets.py" --port $outlet_port --feeds "$feeds" --log /dev/null --opml "$work/feeds.opml"
t opml import "$work/feeds.opml" 2>"$work/opml.log"

python3 "$root/bench/outlets.py" --port $outlet_port --feeds "$feeds" --rate "$rate" \
  --publish-seconds "$seconds" --log "$work/published.log" 2>"$work/outlets.log" &
outlets_pid=$!
pids+=("$outlets_pid")
RUST_LOG=${RUST_LOG:-info} "$bin" --config "$work/tidings.toml" serve --demo --addr "$web" 2>"$work/serve.log" &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 150); do curl -fs "http://$web/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://$web/healthz" >/dev/null || { echo "server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

# Memory: VmRSS, RssAnon (heap and stacks) and RssFile (mapped files: the binary and SQLite's
# memory-mapped database, which grows with the database) every 5 s, in kB.
( while kill -0 "$serve_pid" 2>/dev/null; do
    awk -v t="$(date +%s)" '/^(VmRSS|RssAnon|RssFile):/ {v[$1]=$2} END {print t, v["VmRSS:"], v["RssAnon:"], v["RssFile:"]}' "/proc/$serve_pid/status" >> "$work/rss.log" 2>/dev/null || true
    sleep 5
  done ) &
pids+=($!)

TIDINGS_USER_PASSWORD="soak test password" t user add soak@example.org 2>/dev/null
jar="$work/cookies"
curl -fs -c "$jar" "http://$web/login" >/dev/null
csrf=$(awk '$6 == "tidings_csrf" {print $7}' "$jar")
curl -fs -b "$jar" -c "$jar" -o /dev/null \
  --data "email=soak%40example.org&current_password=soak+test+password&csrf=$csrf" "http://$web/login"
session=$(awk '$6 == "tidings_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
count() { python3 -c "import sqlite3,sys; print(sqlite3.connect('file:$db?mode=ro', uri=True).execute(sys.argv[1]).fetchone()[0])" "$1"; }
comments_before=$(count 'select count(*) from comments')
started=$(date +%s)

export LOAD_COOKIE="tidings_session=$session; tidings_csrf=$csrf" LOAD_CSRF="$csrf" LOAD_ARTICLES=54
wrk -t2 -c"$conns" -d"${seconds}s" --timeout 10s -s "$root/bench/soak.lua" "http://$web" > "$work/wrk.log" 2>&1 || true
readers=$(grep '^RESULT' "$work/wrk.log" || echo "RESULT missing")
kill -USR1 "$outlets_pid" 2>/dev/null || true
sleep 1

# Drain: the items published last are stored at the feeds' next fetch (at most a minute away).
drained=no
for _ in $(seq $((drain / 5))); do
  missing=$(python3 - "$db" "$work/published.log" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
stored = {r[0] for r in db.execute("select url from articles where url like 'https://feed%.soak.example/%'")}
published = set(open(sys.argv[2]).read().split())
print(len(published - stored))
PY
)
  [ "$missing" = 0 ] && { drained=yes; break; }
  sleep 5
done
ended=$(date +%s)
metrics=$(curl -fs "http://$web/metrics" || true)
kill -TERM "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
kill -TERM "$outlets_pid" 2>/dev/null || true
wait "$outlets_pid" 2>/dev/null || true
comments_after=$(count 'select count(*) from comments')

python3 - "$db" "$work" "$readers" "$((comments_after - comments_before))" "$drained" "$((ended - started))" "$minutes" "$feeds" "$rate" "$conns" "$profile" <<'PY'
import re, sqlite3, sys
db_path, work, readers, comments_stored, drained, wall, minutes, feeds, rate, conns, profile = sys.argv[1:]
comments_stored = int(comments_stored)
db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
rows = db.execute("select url, count(*) from articles where url like 'https://feed%.soak.example/%' group by url").fetchall()
stored = {u for u, _ in rows}
duplicates = sum(1 for _, n in rows if n > 1)
published = open(f"{work}/published.log").read().split()
lost = set(published) - stored
unexpected = stored - set(published)
field = lambda k: (re.search(rf"{k}=([^ ]+)", readers) or [None, "?"])[1]
serve_log = open(f"{work}/serve.log").read()
fetch_failed = serve_log.count("fetch failed")
entry_errors = serve_log.count("entry not stored")
server_errors_logged = serve_log.count("request failed")
fetches = db.execute("select count(*) from fetch_log").fetchone()[0] if db.execute(
    "select 1 from sqlite_master where name='fetch_log'").fetchone() else "?"
samples = [tuple(int(x) for x in l.split()) for l in open(f"{work}/rss.log") if len(l.split()) == 4]
t0 = samples[0][0]
def at(frac):
    return samples[min(len(samples) - 1, int(frac * (len(samples) - 1)))]
def slope(col, start_frac):
    # Least squares over the samples after the warm-up, MB per minute.
    pts = [(s[0] - t0, s[col] / 1024) for s in samples if s[0] - t0 >= start_frac * (samples[-1][0] - t0)]
    n = len(pts); mx = sum(p[0] for p in pts) / n; my = sum(p[1] for p in pts) / n
    var = sum((p[0] - mx) ** 2 for p in pts) or 1
    return 60 * sum((p[0] - mx) * (p[1] - my) for p in pts) / var
mb = lambda kb: f"{kb / 1024:.1f}"
first, mid, last = at(0.1), at(0.5), at(1.0)
anon_slope = slope(2, 0.1)
anon_slope_late = slope(2, 0.5)
checks = {
    "no HTTP 5xx": field("server_errors") == "0" and server_errors_logged == 0,
    "no socket errors or timeouts": field("socket_errors") == "0",
    "no fetch errors": fetch_failed == 0 and entry_errors == 0,
    "every published item stored exactly once": not lost and not unexpected and duplicates == 0 and drained == "yes",
    # wrk stops counting at the deadline, so the few comments in flight then are stored
    # without their 303 being seen: at most one per connection more, never fewer.
    "every accepted comment stored": field("posted") != "?"
    and 0 <= comments_stored - int(field("posted")) <= int(conns),
    # Flat: the heap grows by less than 2 MB per hour over the second half of the run.
    "memory flat (RssAnon, second half)": anon_slope_late * 60 < 2.0 or last[2] <= mid[2],
}
print(f"| figure | value |")
print(f"| --- | ---: |")
print(f"| duration (readers and publishing) | {minutes} min; whole run with drain {wall} s |")
print(f"| feeds / publishing rate | {feeds} feeds, {rate} items/s |")
print(f"| items published / stored / lost / duplicated / not published | {len(published)} / {len(stored & set(published))} / {len(lost)} / {duplicates} / {len(unexpected)} |")
print(f"| feed fetches recorded / fetch errors logged | {fetches} / {fetch_failed} (+{entry_errors} entries not stored) |")
print(f"| reader requests / rps / p50 / p99 / max | {field('requests')} / {field('rps')} / {field('p50_ms')} ms / {field('p99_ms')} ms / {field('max_ms')} ms |")
print(f"| HTTP 5xx / other non-2xx-3xx / socket errors | {field('server_errors')} / {field('other')} / {field('socket_errors')} |")
print(f"| comments accepted (303) / stored | {field('posted')} / {comments_stored} |")
print(f"| VmRSS MB at 10 % / 50 % / end | {mb(first[1])} / {mb(mid[1])} / {mb(last[1])} |")
print(f"| RssAnon MB at 10 % / 50 % / end | {mb(first[2])} / {mb(mid[2])} / {mb(last[2])} |")
print(f"| RssFile MB at 10 % / 50 % / end (mapped database grows with it) | {mb(first[3])} / {mb(mid[3])} / {mb(last[3])} |")
print(f"| RssAnon slope after warm-up / over second half | {anon_slope:+.2f} / {anon_slope_late:+.2f} MB/min |")
print(f"| samples | {len(samples)} every 5 s, {profile} build, {conns} reader connections |")
print()
for name, ok in checks.items():
    print(f"- {'ok' if ok else 'FAILED'}: {name}")
if lost:
    print(f"  lost, e.g.: {sorted(lost)[:5]}")
sys.exit(0 if all(checks.values()) else 1)
PY
