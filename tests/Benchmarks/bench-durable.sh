#!/usr/bin/env bash
# Publish throughput of --durability=durable next to --durability=memory, with the same load tool and load
# (tests/Benchmarks/bench.sh, i.e. `nsq bench`: writer for runfor, then reader), runs interleaved memory/durable so that a
# noisy machine affects both alike. Prints each run, the medians and the durable/memory ratios.
#
#   tests/Benchmarks/bench-durable.sh [size=200] [batch=200] [runs=3] [runfor=10s]
#
# Environment: as tests/Benchmarks/bench.sh (BENCH_ARTIFACTS, SKIP_BUILD=1, CONNECTIONS, PIPELINE, NSQD_ARGS for both modes).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
size=${1:-200}
batch=${2:-200}
runs=${3:-3}
runfor=${4:-10s}
skip=${SKIP_BUILD:-0}
declare -A writer reader
for run in $(seq 1 "$runs"); do
  for mode in memory durable; do
    out=$(SKIP_BUILD=$skip NSQD_ARGS="--durability=$mode ${NSQD_ARGS:-}" tests/Benchmarks/bench.sh "$size" "$batch" 10000 1 "$runfor")
    skip=1
    w=$(echo "$out" | sed -n 's/^writer: \([0-9.]*\) msgs\/s.*/\1/p')
    r=$(echo "$out" | sed -n 's/^reader: \([0-9.]*\) msgs\/s.*/\1/p')
    echo "run $run $mode: writer ${w} msgs/s, reader ${r} msgs/s"
    writer[$mode]="${writer[$mode]:-} $w"
    reader[$mode]="${reader[$mode]:-} $r"
  done
done
wm=$(printf '%s\n' ${writer[memory]} | median); wd=$(printf '%s\n' ${writer[durable]} | median)
rm_=$(printf '%s\n' ${reader[memory]} | median); rd=$(printf '%s\n' ${reader[durable]} | median)
echo "# medians over $runs runs (size=$size batch=$batch runfor=$runfor), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'memory : writer %s msgs/s, reader %s msgs/s\n' "$wm" "$rm_"
printf 'durable: writer %s msgs/s, reader %s msgs/s\n' "$wd" "$rd"
awk -v a="$wd" -v b="$wm" -v c="$rd" -v d="$rm_" 'BEGIN { printf "ratio durable/memory: writer %.2f, reader %.2f\n", a/b, c/d }'
