#!/usr/bin/env bash
# nsqlookupd /lookup throughput: start our Lookup.Service on free ports, register one fake producer for a topic (a V1 TCP
# client inside the load tool, connected for the whole run), hammer GET /lookup?topic= over keep-alive HTTP/1.1
# connections (`nsq bench --mode=lookup` of the .NET tool, Tools/NsqAspire.Tools), repeat, print the median requests per second.
#
#   tests/Benchmarks/bench-lookup.sh [runs=3] [runfor=10s]
#
# Each run gets a fresh lookup (new free ports). Environment:
#   REDIS=1              start a throw-away redis-server (free port, no persistence) and pass --redis (default: memory store)
#   CONNECTIONS=N        HTTP connections (default: 2 x processor count)
#   LOOKUPD_ARGS="..."   extra flags for the lookup
#   BENCH_ARTIFACTS=dir  build output (default ${TMPDIR:-/tmp}/art-bench-lookup); SKIP_BUILD=1 reuses it
set -euo pipefail
. "$(dirname "$0")/lib.sh"

runs=${1:-3}
runfor=${2:-10s}
[[ "$runs" =~ ^[0-9]+$ ]] || { echo "bench-lookup.sh: not a number: $runs" >&2; exit 2; }
art=${BENCH_ARTIFACTS:-${TMPDIR:-/tmp}/art-bench-lookup}
tool="$art/bin/NsqAspire.Tools/release/NsqAspire.Tools.dll"
lookupd_dll="$art/bin/Lookup.Service/release/Lookup.Service.dll"
connections=${CONNECTIONS:-$(( 2 * $(nproc 2>/dev/null || echo 2) ))}
use_redis=${REDIS:-0}
topic=lookup_bench

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build Tools/NsqAspire.Tools/NsqAspire.Tools.csproj || exit 1
  build Lookup.Service/Lookup.Service/Lookup.Service.csproj || exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nsq-bench-lookup.XXXXXX")
lookupd_pid="" redis_pid=""
cleanup() { stop_pid "$lookupd_pid"; stop_pid "$redis_pid"; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

listening_or_exit() { # port pid log
  wait_port "$1" "$2" && return 0
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
  listening_or_exit "$rport" "$redis_pid" "$work/redis.log"
  redis_flag=(--redis="127.0.0.1:$rport")
  store="redis 127.0.0.1:$rport"
fi

results=()
echo "# store=$store runs=$runs runfor=$runfor connections=$connections processors=$(nproc 2>/dev/null || echo '?')"
for run in $(seq 1 "$runs"); do
  tcp=$(free_port); http=$(free_port)
  while [ "$http" = "$tcp" ]; do http=$(free_port); done
  # shellcheck disable=SC2086
  dotnet "$lookupd_dll" --tcp-address="127.0.0.1:$tcp" --http-address="127.0.0.1:$http" --broadcast-address=127.0.0.1 \
    --log-level=warn "${redis_flag[@]}" ${LOOKUPD_ARGS:-} >"$work/lookupd.log" 2>&1 &
  lookupd_pid=$!
  listening_or_exit "$http" "$lookupd_pid" "$work/lookupd.log"
  echo "## run $run/$runs against http 127.0.0.1:$http (tcp $tcp)"
  out=$(dotnet "$tool" bench --mode=lookup --lookupd-http-address="127.0.0.1:$http" --lookupd-tcp-address="127.0.0.1:$tcp" --register \
    --topic="$topic" --connections="$connections" --runfor="$runfor") || { echo "$out"; echo "bench-lookup.sh: load tool failed" >&2; exit 1; }
  echo "$out"
  results+=("$(echo "$out" | grep '^\[lookup\]' | field req_per_sec)")
  stop_pid "$lookupd_pid"; lookupd_pid=""
  if [ -n "$redis_pid" ]; then redis-cli -p "$rport" flushall >/dev/null 2>&1 || true; fi
done

echo "# median over $runs run(s) (store=$store connections=$connections runfor=$runfor)"
printf 'lookup: %s req/s   (runs: %s)\n' "$(printf '%s\n' "${results[@]}" | median 0)" "${results[*]}"
