#!/usr/bin/env bash
# The disk overflow path: a backlog of COUNT messages of SIZE bytes with --mem-queue-size=10000 (so nearly all of it
# lives in the channel's disk queue) is written (MPUB, 200 per batch), then read back (SUB, RDY 2500, FIN each).
# Reports write and read MB/s and the broker's peak RSS (VmHWM of its /proc status).
#
#   tests/Benchmarks/bench-overflow.sh [count=10000000] [size=200] [durability=memory]
#
# Environment: BENCH_ARTIFACTS=dir (default ${TMPDIR:-/tmp}/art-bench), SKIP_BUILD=1, CONNECTIONS=N (default 2),
# NSQD_ARGS="..." extra broker flags.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
count=${1:-10000000}
size=${2:-200}
durability=${3:-memory}
art=${BENCH_ARTIFACTS:-${TMPDIR:-/tmp}/art-bench}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  for p in Nsqd.Service/Nsqd.Service/Nsqd.Service.csproj tests/Nsq.CrashTest/Nsq.CrashTest.csproj; do
    dotnet build "$p" -c Release --artifacts-path "$art" -nologo -v q -clp:NoSummary
  done
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/nsq-overflow.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
tcp=$((20000 + RANDOM % 40000)); while port_in_use "$tcp"; do tcp=$((20000 + RANDOM % 40000)); done
http=$((tcp + 1))
# shellcheck disable=SC2086
dotnet "$art/bin/Nsqd.Service/release/Nsqd.Service.dll" --tcp-address="127.0.0.1:$tcp" --http-address="127.0.0.1:$http" \
  --data-path="$dir" --mem-queue-size=10000 --durability="$durability" ${NSQD_ARGS:-} >"$dir/nsqd.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do port_in_use "$tcp" && break; sleep 0.1; done
echo "# count=$count size=$size mem-queue-size=10000 durability=$durability broker pid $pid, load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$art/bin/Nsq.CrashTest/release/Nsq.CrashTest.dll" overflow "127.0.0.1:$tcp" "$count" "$size" "${CONNECTIONS:-2}"
peak=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
echo "broker peak RSS (VmHWM): $((peak / 1024)) MB"
