#!/usr/bin/env bash
# Real nsqd and ours on one data directory, both ways (docs/storage-format.md):
#
#   tests/Benchmarks/swap-with-nsqd.sh [GO_BIN=${TMPDIR:-/tmp}/nsq-anchors/bin] [messages=5000]
#
# GO_BIN holds nsqd, to_nsq and nsq_tail built by ../shared/tools/build-nsq-anchors.sh (never part of this repository).
# Every broker runs with --mem-queue-size=0 and 64 KiB segments, so every message is a disk record in several segments.
#   1. ours (memory mode) writes, real nsqd reads: every message arrives.
#   2. real nsqd writes, ours (memory mode) reads: every message arrives.
#   3. real nsqd writes, ours in durable mode reads (an upgrade): every message arrives; its new records are checked.
#   4. ours in durable mode writes (checked records), real nsqd reads: documented as unreadable by real nsqd; printed
#      for the record (how many arrive, which files real nsqd set aside), not a failure.
# Exits 1 if 1-3 lose or change a message. Environment: TOOLS_ARTIFACTS=dir (default ${TMPDIR:-/tmp}/art-tools),
# SKIP_BUILD=1 reuses the build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
go=${1:-${TMPDIR:-/tmp}/nsq-anchors/bin}
count=${2:-5000}
[ -x "$go/nsqd" ] || { echo "$bench_script: no real nsqd in $go (run ../shared/tools/build-nsq-anchors.sh)" >&2; exit 2; }
art=${TOOLS_ARTIFACTS:-${TMPDIR:-/tmp}/art-tools}
[ "${SKIP_BUILD:-0}" = 1 ] || build Nsqd.Service/Nsqd.Service/Nsqd.Service.csproj
ours=(dotnet "$art/bin/Nsqd.Service/release/Nsqd.Service.dll")

work=$(mktemp -d)
broker=
trap 'stop_pid "$broker"; rm -rf "$work"' EXIT
seq -f "swap message %06g with some padding to make it a realistic size" 1 "$count" >"$work/input"

# start <ours|nsqd|durable> <data dir>: a broker on fresh ports, into $broker, $tcp, $http.
start() {
  tcp=$(free_port); http=$(free_port)
  mkdir -p "$2"
  local flags=(--data-path="$2" --tcp-address=127.0.0.1:$tcp --http-address=127.0.0.1:$http --mem-queue-size=0
    --max-bytes-per-file=65536)
  case $1 in
    ours) "${ours[@]}" "${flags[@]}" >>"$2.log" 2>&1 & ;;
    durable) "${ours[@]}" "${flags[@]}" --durability=durable >>"$2.log" 2>&1 & ;;
    nsqd) "$go/nsqd" "${flags[@]}" >>"$2.log" 2>&1 & ;;
  esac
  broker=$!
  wait_port "$tcp" "$broker" || { echo "$bench_script: $1 did not start; log:" >&2; tail -20 "$2.log" >&2; exit 1; }
}

# write <broker> <dir>: the input published to topic swap (channel c exists first, so the records land in its queue).
write() {
  start "$1" "$2"
  curl -fsS -X POST "http://127.0.0.1:$http/topic/create?topic=swap" >/dev/null
  curl -fsS -X POST "http://127.0.0.1:$http/channel/create?topic=swap&channel=c" >/dev/null
  "$go/to_nsq" --topic=swap --nsqd-tcp-address=127.0.0.1:$tcp <"$work/input" 2>/dev/null
  stop_pid "$broker"
}

# read <broker> <dir> <out>: what channel c delivers, up to the input's count or 15 s without a message.
read_back() {
  start "$1" "$2"
  timeout 60 "$go/nsq_tail" --topic=swap --channel=c --nsqd-tcp-address=127.0.0.1:$tcp -n "$count" >"$3" 2>/dev/null &
  local tail=$! last=-1 idle=0
  while kill -0 "$tail" 2>/dev/null && [ "$idle" -lt 150 ]; do
    local now; now=$(wc -l <"$3")
    if [ "$now" = "$last" ]; then idle=$((idle + 1)); else idle=0; last=$now; fi
    sleep 0.1
  done
  stop_pid "$tail"
  stop_pid "$broker"
}

failed=0
check() { # check <name> <dir> <out>
  if cmp -s "$work/input" "$3"; then
    echo "identical  $1: $count of $count messages, in order"
  else
    echo "DIFFERENT  $1: $(wc -l <"$3") of $count lines arrived; log $2.log:"
    tail -5 "$2.log"
    failed=1
  fi
}

write ours "$work/a" && read_back nsqd "$work/a" "$work/a.out" && check "ours (memory) -> real nsqd" "$work/a" "$work/a.out"
write nsqd "$work/b" && read_back ours "$work/b" "$work/b.out" && check "real nsqd -> ours (memory)" "$work/b" "$work/b.out"
write nsqd "$work/c" && read_back durable "$work/c" "$work/c.out" && check "real nsqd -> ours (durable, upgrade)" "$work/c" "$work/c.out"

write durable "$work/d"
read_back nsqd "$work/d" "$work/d.out"
echo "for the record: ours (durable, checked records) -> real nsqd: $(wc -l <"$work/d.out") of $count arrived;" \
  "real nsqd set aside $(find "$work/d" -name '*.bad' | wc -l) files as bad (documented: it cannot read checked records)"
exit $failed
