#!/usr/bin/env bash
# How long the startup scan of checked queues (docs/storage-format.md: every record's CRC from read to write position)
# makes a durable broker take to start: fills one --durability=durable topic + channel with about `gigabytes` GB of
# `size`-byte messages (`nsq bench_writer --create-channel`, MPUB batches of 200, until the data path holds that much),
# stops the broker cleanly, then times a start on the same data path until /ping answers OK and until /stats shows the
# whole depth: with the files in the page cache (warm) and, when run as root, after dropping the caches (cold).
#
#   tests/Benchmarks/bench-startup-scan.sh [gigabytes=10] [size=1024]
#
# Needs 1.2 x gigabytes free under ${TMPDIR:-/tmp}; the data path is deleted at the end. Environment: BENCH_ARTIFACTS,
# SKIP_BUILD=1 (as bench.sh), NSQD_ARGS (extra broker flags).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
gigabytes=${1:-10}
size=${2:-1024}
[[ "$gigabytes" =~ ^[0-9]+([.][0-9]+)?$ && "$size" =~ ^[0-9]+$ ]] || { echo "$bench_script: usage: [gigabytes] [size]" >&2; exit 2; }
target=$(awk -v g="$gigabytes" 'BEGIN { printf "%.0f", g * 1024 * 1024 * 1024 }') # %d: mawk caps at 2^31-1
free=$(df -B1 --output=avail "${TMPDIR:-/tmp}" | tail -1)
if [ "$free" -lt $((target / 10 * 12)) ]; then
  echo "$bench_script: ${gigabytes} GB needs $((target / 10 * 12 / 1048576)) MB free under ${TMPDIR:-/tmp}, there are $((free / 1048576)) MB" >&2
  exit 1
fi

art=${BENCH_ARTIFACTS:-${TMPDIR:-/tmp}/art-bench}
tool="$art/bin/NsqAspire.Tools/release/NsqAspire.Tools.dll"
nsqd_dll="$art/bin/Nsqd.Service/release/Nsqd.Service.dll"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build Tools/NsqAspire.Tools/NsqAspire.Tools.csproj
  build Nsqd.Service/Nsqd.Service/Nsqd.Service.csproj
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/nsq-startup-scan.XXXXXX")
mkdir -p "$dir/data"
broker_pid=""
cleanup() {
  stop_pid "$broker_pid"
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tcp=$(free_port)
http=$(free_port)
while [ "$http" = "$tcp" ]; do http=$(free_port); done
start_broker() {
  # shellcheck disable=SC2086
  dotnet "$nsqd_dll" --tcp-address="127.0.0.1:$tcp" --http-address="127.0.0.1:$http" --data-path="$dir/data" \
    --durability=durable ${NSQD_ARGS:-} >>"$dir/nsqd.log" 2>&1 &
  broker_pid=$!
}
# Clean stop (SIGTERM): up to 120 s, since a large queue's metadata and segments are closed and fsynced.
stop_broker() {
  kill -TERM "$broker_pid"
  for _ in $(seq 1 1200); do kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$broker_pid" 2>/dev/null; then echo "$bench_script: the broker did not stop within 120 s" >&2; exit 1; fi
  wait "$broker_pid" || true
  broker_pid=""
}
depth() {
  curl -sf "http://127.0.0.1:$http/stats?format=json&topic=scan" |
    jq -r '.topics[]? | select(.topic_name == "scan") | .channels[] | select(.channel_name == "ch") | .depth'
}
now() { date +%s.%N; }

# timed_start <label>: starts the broker, prints the seconds until /ping says OK and until /stats shows the whole depth.
timed_start() {
  local t0 ping="" ready=""
  t0=$(now)
  start_broker
  while [ -z "$ready" ]; do
    kill -0 "$broker_pid" 2>/dev/null || { echo "$bench_script: the broker exited; its log:" >&2; tail -20 "$dir/nsqd.log" >&2; exit 1; }
    if [ -z "$ping" ] && [ "$(curl -sf "http://127.0.0.1:$http/ping" 2>/dev/null)" = OK ]; then ping=$(now); fi
    if [ -n "$ping" ] && [ "$(depth)" = "$messages" ]; then ready=$(now); fi
    [ -n "$ready" ] || sleep 0.02
  done
  awk -v l="$1" -v a="$t0" -v p="$ping" -v r="$ready" -v mb="$((bytes / 1048576))" \
    'BEGIN { printf "%-5s start: /ping OK after %.2f s, full depth in /stats after %.2f s (%.0f MB/s, process start included)\n", l, p - a, r - a, mb / (p - a) }'
  if curl -sf "http://127.0.0.1:$http/stats?format=json&topic=scan" | grep -q backend_corrupt_records; then
    echo "$bench_script: the scan reported corrupt records" >&2
  fi
  stop_broker
}

messages="" bytes=0
timed_start empty

start_broker
wait_port "$tcp" "$broker_pid" || { echo "$bench_script: the broker did not start; its log:" >&2; cat "$dir/nsqd.log" >&2; exit 1; }
echo "# filling topic scan, channel ch with ${gigabytes} GB of ${size}-byte messages (durable)"
fill_start=$(now)
# Rounds of bench_writer, each half of what the last round's rate says is left (the rate grows once the tool is warm),
# at most 30 s; a background writer cannot be stopped with SIGINT, which a non-interactive shell's background jobs ignore.
round=1
while true; do
  have=$(du -sb "$dir/data" | cut -f1)
  [ "$have" -lt "$target" ] || break
  dotnet "$tool" bench_writer --nsqd-tcp-address="127.0.0.1:$tcp" --topic=scan --channel=ch --create-channel \
    --size="$size" --batch-size=200 --runfor="${round}s" --progress=0 >>"$dir/writer.out" 2>&1 ||
    { echo "$bench_script: the writer failed:" >&2; tail -5 "$dir/writer.out" >&2; exit 1; }
  round=$(awk -v t="$target" -v h="$have" -v n="$(du -sb "$dir/data" | cut -f1)" -v r="$round" \
    'BEGIN { s = n > h ? (t - n) * r / (n - h) / 2 : r; s = int(s) + 1; print (s > 30 ? 30 : s) }')
done
fill_s=$(awk -v a="$fill_start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
messages=$(depth)
bytes=$(du -sb "$dir/data" | cut -f1)
echo "filled: $messages messages, $((bytes / 1048576)) MB on disk in ${fill_s} s"
stop_broker

timed_start warm
timed_start warm
if [ "$(id -u)" = 0 ]; then
  sync
  echo 3 >/proc/sys/vm/drop_caches
  timed_start cold
else
  echo "cold start: skipped (dropping the page cache needs root)"
fi
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
