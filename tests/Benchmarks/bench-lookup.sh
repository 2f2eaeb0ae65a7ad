#!/usr/bin/env bash
# nsqlookupd /lookup throughput: start our Lookup.Service on free ports, register one fake producer for a topic (a V1 TCP
# client inside the load tool, connected for the whole run), hammer GET /lookup?topic= over keep-alive HTTP/1.1
# connections (tests/Benchmarks/Nsq.LoadGen lookup mode), repeat, print the median requests per second.
#
#   tests/Benchmarks/bench-lookup.sh [runs=3] [runfor=10s]
#
# Each run gets a fresh lookup (new free ports). Environment:
#   REDIS=1              start a throw-away redis-server (free port, no persistence) and pass --redis (default: memory store)
#   CONNECTIONS=N        HTTP connections (default: 2 x processor count)
#   LOOKUPD_ARGS="..."   extra flags for the lookup
#   BENCH_ARTIFACTS=dir  build output (default ${TMPDIR:-/tmp}/art-bench-lookup); SKIP_BUILD=1 reuses it
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
case "${1:-}" in -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

runs=${1:-3}
runfor=${2:-10s}
[[ "$runs" =~ ^[0-9]+$ ]] || { echo "bench-lookup.sh: not a number: $runs" >&2; exit 2; }
art=${BENCH_ARTIFACTS:-${TMPDIR:-/tmp}/art-bench-lookup}
loadgen="$art/bin/Nsq.LoadGen/release/Nsq.LoadGen.dll"
lookupd_dll="$art/bin/Lookup.Service/release/Lookup.Service.dll"
connections=${CONNECTIONS:-$(( 2 * $(nproc 2>/dev/null || echo 2) ))}
use_redis=${REDIS:-0}
topic=lookup_bench

build() {
  echo "# building $1 (Release, artifacts $art)"
  dotnet build "$1" -c Release --artifacts-path "$art" -nologo -v q -clp:NoSummary || { echo "bench-lookup.sh: build of $1 failed" >&2; exit 1; }
}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build tests/Benchmarks/Nsq.LoadGen/Nsq.LoadGen.csproj
  build Lookup.Service/Lookup.Service/Lookup.Service.csproj
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nsq-bench-lookup.XXXXXX")
lookupd_pid="" redis_pid=""
stop_pid() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() { stop_pid "$lookupd_pid"; stop_pid "$redis_pid"; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  while true; do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { echo "$p"; return; }
  done
}
wait_port() { # port pid log
  for _ in $(seq 1 200); do
    port_in_use "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench-lookup.sh: process $2 did not listen on $1; its log:" >&2
  cat "$3" >&2
  exit 1
}

redis_flag=()
store=memory
if [ "$use_redis" = 1 ]; then
  command -v redis-server >/dev/null || { echo "bench-lookup.sh: REDIS=1 needs redis-server (apt-get install redis-server)" >&2; exit 1; }
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
  redis_pid=$!
  wait_port "$rport" "$redis_pid" "$work/redis.log"
  redis_flag=(--redis="127.0.0.1:$rport")
  store="redis 127.0.0.1:$rport"
fi

median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) {print "n/a"; exit} if (NR%2) print v[(NR+1)/2]; else printf "%.0f\n", (v[NR/2]+v[NR/2+1])/2}'; }
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p"; }

results=()
echo "# store=$store runs=$runs runfor=$runfor connections=$connections processors=$(nproc 2>/dev/null || echo '?')"
for run in $(seq 1 "$runs"); do
  tcp=$(free_port); http=$(free_port)
  while [ "$http" = "$tcp" ]; do http=$(free_port); done
  # shellcheck disable=SC2086
  dotnet "$lookupd_dll" --tcp-address="127.0.0.1:$tcp" --http-address="127.0.0.1:$http" --broadcast-address=127.0.0.1 \
    --log-level=warn "${redis_flag[@]}" ${LOOKUPD_ARGS:-} >"$work/lookupd.log" 2>&1 &
  lookupd_pid=$!
  wait_port "$http" "$lookupd_pid" "$work/lookupd.log"
  echo "## run $run/$runs against http 127.0.0.1:$http (tcp $tcp)"
  out=$(dotnet "$loadgen" lookup --lookupd-http-address="127.0.0.1:$http" --lookupd-tcp-address="127.0.0.1:$tcp" --register \
    --topic="$topic" --connections="$connections" --runfor="$runfor") || { echo "$out"; echo "bench-lookup.sh: load tool failed" >&2; exit 1; }
  echo "$out"
  results+=("$(echo "$out" | grep '^\[lookup\]' | field req_per_sec)")
  stop_pid "$lookupd_pid"; lookupd_pid=""
  if [ -n "$redis_pid" ]; then redis-cli -p "$rport" flushall >/dev/null 2>&1 || true; fi
done

echo "# median over $runs run(s) (store=$store connections=$connections runfor=$runfor)"
printf 'lookup: %s req/s   (runs: %s)\n' "$(printf '%s\n' "${results[@]}" | median)" "${results[*]}"
