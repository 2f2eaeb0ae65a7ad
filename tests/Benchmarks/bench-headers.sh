#!/usr/bin/env bash
# The cost of message headers through Nsq.Client: `nsq bench --client=sdk` without headers and with one W3C traceparent
# header on every message (--traceparent), alternating on a fresh broker each time (tests/Benchmarks/bench.sh does the
# broker and the runs), then the medians and the with/without ratio for publish and consume. Both sides negotiate
# headers either way (every body is framed with a block, 00 00 when empty), so the difference is the header's own cost.
#
#   tests/Benchmarks/bench-headers.sh [size=200] [batch=200] [mem-queue-size=10000] [runs=3] [runfor=10s]
#
# Environment: as tests/Benchmarks/bench.sh (CONNECTIONS, RDY, PIPELINE, NSQD_ARGS, BENCH_ARTIFACTS, SKIP_BUILD).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
throughput_args "$@"


plain_w=() plain_r=() traced_w=() traced_r=()
for run in $(seq 1 "$runs"); do
  for tp in 0 1; do
    echo "## run $run/$runs: traceparent=$tp"
    out=$(CLIENT=sdk TRACEPARENT=$tp tests/Benchmarks/bench.sh "$size" "$batch" "$memq" 1 "$runfor" 2>&1) || { echo "$out"; exit 1; }
    # Built once; the later runs reuse it.
    export SKIP_BUILD=1
    echo "$out" | grep -E '^\[(writer|reader)\]'
    if [ "$tp" = 0 ]; then
      plain_w+=("$(echo "$out" | rate writer)"); plain_r+=("$(echo "$out" | rate reader)")
    else
      traced_w+=("$(echo "$out" | rate writer)"); traced_r+=("$(echo "$out" | rate reader)")
    fi
  done
done

echo "# medians over $runs run(s) (size=$size batch=$batch mem-queue-size=$memq runfor=$runfor)"
compare publish no-headers traceparent "${plain_w[*]}" "${traced_w[*]}"
compare consume no-headers traceparent "${plain_r[*]}" "${traced_r[*]}"
