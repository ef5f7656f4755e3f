#!/usr/bin/env bash
# Load test on loopback: readers load pages while signed-in readers post comments, against
# `tidings serve` (the demo corpus, SQLite), beside nginx serving a saved copy of an article
# page (the ceiling of this machine). Needs wrk and nginx (Debian: apt-get install wrk
# nginx-light). Bounded: SECONDS_EACH (default 60) per side.
#
#   bash bench/load.sh            # prints a Markdown table for docs/BENCHMARKS.md
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${SECONDS_EACH:-60}
conns=${CONNECTIONS:-16}
target=${CARGO_TARGET_DIR:-$root/target}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

cargo build --release -q -p tidings --manifest-path "$root/Cargo.toml"
bin="$target/release/tidings"
db="sqlite://$work/load.db"
export TIDINGS_SERVER__COMMENTS_PER_MINUTE=100000000 TIDINGS_SERVER__COMMENTS_PER_ADDRESS_MINUTE=100000000
"$bin" --database-url "$db" serve --demo --no-fetch --addr 127.0.0.1:18181 2>"$work/serve.log" &
pids+=($!)
for _ in $(seq 100); do curl -fs http://127.0.0.1:18181/healthz >/dev/null && break; sleep 0.2; done
TIDINGS_USER_PASSWORD="load test password" "$bin" --database-url "$db" user add load@example.org 2>/dev/null
jar="$work/cookies"
curl -fs -c "$jar" http://127.0.0.1:18181/login >/dev/null
csrf=$(awk '$6 == "tidings_csrf" {print $7}' "$jar")
curl -fs -b "$jar" -c "$jar" -o /dev/null \
  --data "email=load%40example.org&current_password=load+test+password&csrf=$csrf" http://127.0.0.1:18181/login
session=$(awk '$6 == "tidings_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
articles=$(curl -fs http://127.0.0.1:18181/api/v1/weeks/current | python3 -c 'import json,sys; print(max(s["lead"]["id"] for s in json.load(sys.stdin)["stories"]))')
before=$(python3 -c "import sqlite3; print(sqlite3.connect('$work/load.db').execute('select count(*) from comments').fetchone()[0])")

export LOAD_COOKIE="tidings_session=$session; tidings_csrf=$csrf" LOAD_CSRF="$csrf" LOAD_ARTICLES="$articles"
tidings_out=$(wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s -s "$root/bench/load.lua" http://127.0.0.1:18181 | grep '^RESULT')
after=$(python3 -c "import sqlite3; print(sqlite3.connect('$work/load.db').execute('select count(*) from comments').fetchone()[0])")

mkdir -p "$work/www"
curl -fs http://127.0.0.1:18181/articles/1 -o "$work/www/index.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:18182; root $work/www; location / { try_files /index.html =404; } }
}
CONF
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 1
nginx_out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency http://127.0.0.1:18182/ | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^ +50%/ {p50=$2} END {print "rps=" rps " p50=" p50 " p99=" p99}')

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
echo "| server | requests/s | p50 | p99 | comments posted (303) | comments stored | failed |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
echo "| tidings serve (pages + 1 in 10 a comment, SQLite) | $(field rps "$tidings_out") | $(field p50_ms "$tidings_out") ms | $(field p99_ms "$tidings_out") ms | $(field posted "$tidings_out") | $((after - before)) | $(field failed "$tidings_out") (+$(field errors "$tidings_out") socket errors) |"
echo "| nginx 1.22, a saved copy of one article page | $(field rps "$nginx_out") | $(field p50 "$nginx_out") | $(field p99 "$nginx_out") | – | – | – |"
echo
echo "$secs s per side, $conns connections, wrk 2 threads, on $(nproc) CPUs shared by server and load generator."
