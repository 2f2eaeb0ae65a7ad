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

rate() { sed -n "s/^$1: \([0-9.]*\) msgs\/s.*/\1/p"; }

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

ratio() { awk -v s="$1" -v r="$2" 'BEGIN { if (r > 0) printf "%.1f%%", 100 * s / r; else print "n/a" }'; }
pw=$(printf '%s\n' "${plain_w[@]}" | median 0); tw=$(printf '%s\n' "${traced_w[@]}" | median 0)
pr=$(printf '%s\n' "${plain_r[@]}" | median 0); tr=$(printf '%s\n' "${traced_r[@]}" | median 0)
echo "# medians over $runs run(s) (size=$size batch=$batch mem-queue-size=$memq runfor=$runfor)"
printf 'publish: no headers %s msgs/s  traceparent %s msgs/s  with/without %s  (runs: %s / %s)\n' "$pw" "$tw" "$(ratio "$tw" "$pw")" "${plain_w[*]}" "${traced_w[*]}"
printf 'consume: no headers %s msgs/s  traceparent %s msgs/s  with/without %s  (runs: %s / %s)\n' "$pr" "$tr" "$(ratio "$tr" "$pr")" "${plain_r[*]}" "${traced_r[*]}"
