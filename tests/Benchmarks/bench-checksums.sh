#!/usr/bin/env bash
# What the checked record format (docs/storage-format.md: a 16-byte header and a CRC32C per record) costs durable
# publishing: --durability=durable writer throughput of this tree next to a base commit built from a temporary git
# worktree, with bench-durable.sh's load (tests/Benchmarks/bench.sh, i.e. `nsq bench` of this tree: 200-byte
# messages, MPUB batches of 200), runs alternating base/current so that a noisy machine affects both alike. Prints each
# run, the medians and the current/base ratio (target >= 0.95).
#
#   tests/Benchmarks/bench-checksums.sh [base-ref=cb24e57] [runs=3] [runfor=10s]
#
# cb24e57 is the last commit before checked records. Environment: SIZE, BATCH (defaults 200, 200), BENCH_ARTIFACTS and
# SKIP_BUILD=1 (this tree's build, as bench.sh), CONNECTIONS, PIPELINE, NSQD_ARGS (both brokers).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
base_ref=${1:-cb24e57}
runs=${2:-3}
runfor=${3:-10s}
size=${SIZE:-200}
batch=${BATCH:-200}
[[ "$runs" =~ ^[0-9]+$ ]] || { echo "$bench_script: not a number: $runs" >&2; exit 2; }
base_commit=$(git rev-parse --verify --quiet "$base_ref^{commit}") || { echo "$bench_script: unknown ref $base_ref" >&2; exit 2; }

art=${BENCH_ARTIFACTS:-${TMPDIR:-/tmp}/art-bench}
base_art=$(mktemp -d "${TMPDIR:-/tmp}/art-bench-base.XXXXXX")
base_tree=$(mktemp -d "${TMPDIR:-/tmp}/nsq-bench-base.XXXXXX")
cleanup() {
  git worktree remove --force "$base_tree" 2>/dev/null || rm -rf "$base_tree"
  rm -rf "$base_art"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

git worktree add --detach --quiet "$base_tree" "$base_commit"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build Tools/NsqAspire.Tools/NsqAspire.Tools.csproj
  build Nsqd.Service/Nsqd.Service/Nsqd.Service.csproj
fi
art=$base_art build "$base_tree/Nsqd.Service/Nsqd.Service/Nsqd.Service.csproj"
declare -A dll=([base]="$base_art/bin/Nsqd.Service/release/Nsqd.Service.dll"
                [current]="$art/bin/Nsqd.Service/release/Nsqd.Service.dll")
declare -A writer

echo "# base $base_ref ($(git log -1 --format='%h %s' "$base_commit" | cut -c1-80)) vs current $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo ' + uncommitted changes')"
for run in $(seq 1 "$runs"); do
  for which in base current; do
    out=$(SKIP_BUILD=1 BENCH_ARTIFACTS="$art" NSQD_DLL="${dll[$which]}" NSQD_ARGS="--durability=durable ${NSQD_ARGS:-}" \
      tests/Benchmarks/bench.sh "$size" "$batch" 10000 1 "$runfor")
    w=$(echo "$out" | sed -n 's/^writer: \([0-9.]*\) msgs\/s.*/\1/p')
    echo "run $run $which: durable writer ${w} msgs/s"
    writer[$which]="${writer[$which]:-} $w"
  done
done
wb=$(printf '%s\n' ${writer[base]} | median); wcur=$(printf '%s\n' ${writer[current]} | median)
echo "# medians over $runs runs (size=$size batch=$batch runfor=$runfor), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'base   : durable writer %s msgs/s (runs:%s)\n' "$wb" "${writer[base]}"
printf 'current: durable writer %s msgs/s (runs:%s)\n' "$wcur" "${writer[current]}"
awk -v c="$wcur" -v b="$wb" 'BEGIN { r = c / b; printf "ratio current/base: %.3f (target >= 0.95: %s)\n", r, (r >= 0.95 ? "met" : "NOT met") }'
