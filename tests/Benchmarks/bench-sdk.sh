#!/usr/bin/env bash
# SDK vs raw protocol throughput: `nsq bench`'s writer and reader with raw frames and through Nsq.Client
# (--client=sdk), alternating on a fresh broker each time (tests/Benchmarks/bench.sh does the broker and the runs), then the medians
# and the SDK/raw ratio for publish and consume.
#
#   tests/Benchmarks/bench-sdk.sh [size=200] [batch=200] [mem-queue-size=10000] [runs=3] [runfor=10s]
#
# Environment: as tests/Benchmarks/bench.sh (CONNECTIONS, RDY, PIPELINE, NSQD_ARGS, BENCH_ARTIFACTS, SKIP_BUILD).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
throughput_args "$@"

alloc() { sed -n "s/^\[$1\].* client_alloc_bytes_per_msg=\([0-9.]*\).*/\1/p"; }

raw_w=() raw_r=() sdk_w=() sdk_r=() sdk_wa=() sdk_ra=()
for run in $(seq 1 "$runs"); do
  for client in raw sdk; do
    echo "## run $run/$runs: $client"
    out=$(CLIENT=$client tests/Benchmarks/bench.sh "$size" "$batch" "$memq" 1 "$runfor" 2>&1) || { echo "$out"; exit 1; }
    # Built once; the later runs reuse it.
    export SKIP_BUILD=1
    echo "$out" | grep -E '^\[(writer|reader)\]'
    if [ "$client" = raw ]; then
      raw_w+=("$(echo "$out" | rate writer)"); raw_r+=("$(echo "$out" | rate reader)")
    else
      sdk_w+=("$(echo "$out" | rate writer)"); sdk_r+=("$(echo "$out" | rate reader)")
      sdk_wa+=("$(echo "$out" | alloc writer)"); sdk_ra+=("$(echo "$out" | alloc reader)")
    fi
  done
done

rw=$(printf '%s\n' "${raw_w[@]}" | median 0); sw=$(printf '%s\n' "${sdk_w[@]}" | median 0)
rr=$(printf '%s\n' "${raw_r[@]}" | median 0); sr=$(printf '%s\n' "${sdk_r[@]}" | median 0)
echo "# medians over $runs run(s) (size=$size batch=$batch mem-queue-size=$memq runfor=$runfor)"
printf 'publish: raw %s msgs/s  sdk %s msgs/s  sdk/raw %s  (sdk runs: %s; sdk alloc B/msg: %s)\n' "$rw" "$sw" "$(ratio "$sw" "$rw")" "${sdk_w[*]}" "${sdk_wa[*]}"
printf 'consume: raw %s msgs/s  sdk %s msgs/s  sdk/raw %s  (sdk runs: %s; sdk alloc B/msg: %s)\n' "$rr" "$sr" "$(ratio "$sr" "$rr")" "${sdk_r[*]}" "${sdk_ra[*]}"
