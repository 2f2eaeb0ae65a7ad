#!/usr/bin/env bash
# kill -9 harness for --durability=durable (docs/readme-parts/storage.md):
#
#   tests/Benchmarks/crash-test.sh [trials=10] [seed]
#
# Each trial starts Nsqd.Service --durability=durable on a fresh data path; 4 publishers send PUB, MPUB (1-99
# messages) and short DPUBs and record a message only once its OK arrived; a consumer finishes nine in ten messages and
# leaves the rest in flight; the broker is killed with SIGKILL 0.3-2 s after the first OK; it is restarted on the same data path and
# the channel drained. Prints acknowledged / recovered / missing / duplicates per trial and the total missing; exits 1
# if any acknowledged message is missing.
# Environment: CRASH_ARTIFACTS=dir (default ${TMPDIR:-/tmp}/art-crash), SKIP_BUILD=1 reuses the build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
trials=${1:-10}
[[ "$trials" =~ ^[0-9]+$ ]] || { echo "crash-test.sh: not a number: $trials" >&2; exit 2; }
art=${CRASH_ARTIFACTS:-${TMPDIR:-/tmp}/art-crash}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  for p in Nsqd.Service/Nsqd.Service/Nsqd.Service.csproj tests/Nsq.CrashTest/Nsq.CrashTest.csproj; do
    dotnet build "$p" -c Release --artifacts-path "$art" -nologo -v q -clp:NoSummary
  done
fi
exec dotnet "$art/bin/Nsq.CrashTest/release/Nsq.CrashTest.dll" crash "$art/bin/Nsqd.Service/release/Nsqd.Service.dll" "$trials" ${2:+"$2"}
