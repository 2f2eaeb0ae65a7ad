#!/usr/bin/env bash
# Local throughput benchmark, after nsq's bench.sh (spec §8): start our nsqd, run bench_writer then bench_reader
# (`nsq bench` of the .NET tool, Tools/NsqAspire.Tools) against it, repeat, print the medians.
#
#   tests/Benchmarks/bench.sh [size=200] [batch=200] [mem-queue-size=10000] [runs=3] [runfor=10s]
#
# Each run gets a fresh broker (new free ports, empty temp data path), so runs do not see each other's backlog.
# Environment:
#   NSQD_TCP=host:port   use an already running nsqd instead of starting one (mem-queue-size is then its own; each run
#                        uses its own topic sub_bench_<pid>_<run> so that backlogs do not mix)
#   CONNECTIONS=N        connections per tool (default: processor count, like GOMAXPROCS workers)
#   RDY=N                reader RDY per connection (default 2500, nsqd's max-rdy-count)
#   PIPELINE=N           MPUBs outstanding per writer connection (default 1, as bench_writer)
#   CLIENT=sdk           writer and reader through Nsq.Client instead of raw frames (nsq bench --client=sdk; default raw)
#   TRACEPARENT=1        with CLIENT=sdk: every message carries one W3C traceparent header (nsq bench --traceparent)
#   CREATE_CHANNEL=0     do not create the channel before writing (then the writer fills the topic's own queue and the
#                        reader's SUB drains it; default 1, what nsq's bench.sh meant with its create_channel call)
#   NSQD_ARGS="..."      extra flags for the broker
#   BENCH_ARTIFACTS=dir  build output (default ${TMPDIR:-/tmp}/art-bench); SKIP_BUILD=1 reuses it
set -euo pipefail
. "$(dirname "$0")/lib.sh"

throughput_args "$@"

art=${BENCH_ARTIFACTS:-${TMPDIR:-/tmp}/art-bench}
tool="$art/bin/NsqAspire.Tools/release/NsqAspire.Tools.dll"
nsqd_dll=${NSQD_DLL:-$art/bin/Nsqd.Service/release/Nsqd.Service.dll}
connections=${CONNECTIONS:-$(nproc 2>/dev/null || echo 2)}
rdy=${RDY:-2500}
pipeline=${PIPELINE:-1}
create_channel=${CREATE_CHANNEL:-1}
client=${CLIENT:-raw}
traceparent=${TRACEPARENT:-0}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build Tools/NsqAspire.Tools/NsqAspire.Tools.csproj
  if [ -z "${NSQD_TCP:-}" ]; then
    build Nsqd.Service/Nsqd.Service/Nsqd.Service.csproj || {
      echo "bench.sh: cannot build the broker; start one yourself and run with NSQD_TCP=host:port" >&2
      exit 1
    }
  fi
fi

broker_pid=""
broker_dir=""
stop_broker() {
  stop_pid "$broker_pid"
  broker_pid=""
  if [ -n "$broker_dir" ]; then rm -rf "$broker_dir"; fi
  broker_dir=""
}
trap stop_broker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_broker() {
  local tcp http
  tcp=$(free_port)
  http=$(free_port)
  while [ "$http" = "$tcp" ]; do http=$(free_port); done
  broker_dir=$(mktemp -d "${TMPDIR:-/tmp}/nsq-bench.XXXXXX")
  mkdir -p "$broker_dir/data"
  # shellcheck disable=SC2086
  dotnet "$nsqd_dll" --tcp-address="127.0.0.1:$tcp" --http-address="127.0.0.1:$http" \
    --data-path="$broker_dir/data" --mem-queue-size="$memq" ${NSQD_ARGS:-} >"$broker_dir/nsqd.log" 2>&1 &
  broker_pid=$!
  if wait_port "$tcp" "$broker_pid"; then tcp_address="127.0.0.1:$tcp"; return 0; fi
  echo "bench.sh: the broker did not start; its log:" >&2
  cat "$broker_dir/nsqd.log" >&2
  return 1
}

writer_ops=() reader_ops=() writer_mb=() reader_mb=()
echo "# size=$size batch=$batch mem-queue-size=$memq runs=$runs runfor=$runfor connections=$connections rdy=$rdy pipeline=$pipeline create-channel=$create_channel client=$client traceparent=$traceparent"
for run in $(seq 1 "$runs"); do
  topic=sub_bench
  if [ -n "${NSQD_TCP:-}" ]; then
    tcp_address=$NSQD_TCP
    topic="sub_bench_$$_$run"
  else
    start_broker
  fi
  echo "## run $run/$runs against $tcp_address (topic $topic)"
  flags=(--nsqd-tcp-address="$tcp_address" --topic="$topic" --channel=ch --size="$size" --batch-size="$batch"
         --runfor="$runfor" --rdy="$rdy" --connections="$connections" --pipeline="$pipeline" --client="$client")
  [ "$create_channel" = 1 ] || flags+=(--create-channel=false)
  if [ "$traceparent" = 1 ]; then flags+=(--traceparent); fi
  # stdout (the lines parsed below) is captured; the live rate goes to stderr, shown when it is a terminal.
  out=$(dotnet "$tool" bench "${flags[@]}") || { echo "$out"; echo "bench.sh: load tool failed" >&2; exit 1; }
  echo "$out"
  writer_ops+=("$(echo "$out" | grep '^\[writer\]' | field ops_per_sec)")
  writer_mb+=("$(echo "$out" | grep '^\[writer\]' | field mb_per_sec)")
  reader_ops+=("$(echo "$out" | grep '^\[reader\]' | field ops_per_sec)")
  reader_mb+=("$(echo "$out" | grep '^\[reader\]' | field mb_per_sec)")
  if [ -z "${NSQD_TCP:-}" ]; then stop_broker; fi
done

echo "# medians over $runs run(s) (size=$size batch=$batch mem-queue-size=$memq runfor=$runfor)"
printf 'writer: %s msgs/s  %s mb/s   (runs: %s)\n' "$(printf '%s\n' "${writer_ops[@]}" | median)" \
  "$(printf '%s\n' "${writer_mb[@]}" | median)" "${writer_ops[*]}"
printf 'reader: %s msgs/s  %s mb/s   (runs: %s)\n' "$(printf '%s\n' "${reader_ops[@]}" | median)" \
  "$(printf '%s\n' "${reader_mb[@]}" | median)" "${reader_ops[*]}"
