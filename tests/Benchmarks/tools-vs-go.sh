#!/usr/bin/env bash
# The `nsq` tool side by side with NSQ's Go tools on one broker (ours), for the checks a runbook relies on:
#
#   tests/Benchmarks/tools-vs-go.sh [GO_BIN=${TMPDIR:-/tmp}/nsq-anchors/bin] [lines=10000]
#
# GO_BIN holds the Go tools built by ../shared/tools/build-nsq-anchors.sh (never part of this repository). Prints one
# line per check and exits 1 if any differs:
#   1. Go to_nsq -> our nsq_tail, and our to_nsq -> Go nsq_tail: the lines out equal the lines in, once each, in order.
#   2. nsq_to_file, Go's and ours on two channels of one topic with the same flags: identical file names and bytes
#      (plain, and with --gzip compared after decompression).
#   3. nsq_stat: the first two lines (the table header) identical.
# Environment: TOOLS_ARTIFACTS=dir (default ${TMPDIR:-/tmp}/art-tools), SKIP_BUILD=1 reuses the build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
go=${1:-${TMPDIR:-/tmp}/nsq-anchors/bin}
lines=${2:-10000}
[ -x "$go/to_nsq" ] || { echo "$bench_script: no Go tools in $go (run ../shared/tools/build-nsq-anchors.sh)" >&2; exit 2; }
art=${TOOLS_ARTIFACTS:-${TMPDIR:-/tmp}/art-tools}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build Nsqd.Service/Nsqd.Service/Nsqd.Service.csproj
  build Tools/NsqAspire.Tools/NsqAspire.Tools.csproj
fi
# An array, not a function: a function sent to the background is a subshell, and a signal to it misses the tool.
nsq=(dotnet "$art/bin/NsqAspire.Tools/release/NsqAspire.Tools.dll")

work=$(mktemp -d)
tcp=$(free_port); http=$(free_port)
dotnet "$art/bin/Nsqd.Service/release/Nsqd.Service.dll" --tcp-address=127.0.0.1:$tcp --http-address=127.0.0.1:$http \
  --data-path="$work" >"$work/nsqd.log" 2>&1 &
broker=$!
trap 'stop_pid "$broker"; rm -rf "$work"' EXIT
wait_port "$tcp" "$broker" || { echo "$bench_script: the broker did not start" >&2; exit 1; }
failed=0
check() { # check <name> <file a> <file b>
  if cmp -s "$2" "$3"; then echo "identical  $1"; else echo "DIFFERENT  $1"; diff <(head -c 2000 "$2") <(head -c 2000 "$3") | head -10; failed=1; fi
}
seq -f "line %g of the side-by-side input" 1 "$lines" >"$work/input"

# 1. to_nsq -> nsq_tail, both ways.
"$go/to_nsq" --topic=go_to_ours --nsqd-tcp-address=127.0.0.1:$tcp <"$work/input" 2>/dev/null
"${nsq[@]}" nsq_tail --topic=go_to_ours --nsqd-tcp-address=127.0.0.1:$tcp -n "$lines" >"$work/tail.ours" 2>/dev/null
check "Go to_nsq -> our nsq_tail ($lines lines)" "$work/input" "$work/tail.ours"
"${nsq[@]}" to_nsq --topic=ours_to_go --nsqd-tcp-address=127.0.0.1:$tcp <"$work/input" 2>/dev/null
"$go/nsq_tail" --topic=ours_to_go --nsqd-tcp-address=127.0.0.1:$tcp -n "$lines" >"$work/tail.go" 2>/dev/null
check "our to_nsq -> Go nsq_tail ($lines lines)" "$work/input" "$work/tail.go"

# 2. nsq_to_file: the same messages through two channels, one per tool, with the same naming flags.
archive() { # archive <topic> <extra flags...>: both tools archive <topic>, stopped with SIGTERM once their channel is drained
  local topic=$1; shift
  mkdir -p "$work/$topic.go" "$work/$topic.ours"
  "$go/nsq_to_file" --topic="$topic" --channel=go --nsqd-tcp-address=127.0.0.1:$tcp --output-dir="$work/$topic.go" \
    --host-identifier=side-by-side "$@" 2>/dev/null &
  local gopid=$!
  "${nsq[@]}" nsq_to_file --topic="$topic" --channel=ours --nsqd-tcp-address=127.0.0.1:$tcp --output-dir="$work/$topic.ours" \
    --host-identifier=side-by-side "$@" 2>/dev/null &
  local ourpid=$!
  # Both channels exist before the first publish, so each gets every message.
  until curl -sf "http://127.0.0.1:$http/stats?format=json&topic=$topic" | grep -q '"channel_name":"ours"' \
     && curl -sf "http://127.0.0.1:$http/stats?format=json&topic=$topic" | grep -q '"channel_name":"go"'; do sleep 0.1; done
  curl -sf --data-binary @"$work/input" "http://127.0.0.1:$http/mpub?topic=$topic" >/dev/null
  until curl -sf "http://127.0.0.1:$http/stats?format=json&topic=$topic" | python3 -c '
import json,sys
t=json.load(sys.stdin)["topics"][0]
sys.exit(0 if t["message_count"] > 0 and all(c["depth"] == 0 and c["in_flight_count"] == 0 for c in t["channels"]) else 1)'; do sleep 0.2; done
  # SIGTERM: a non-interactive shell starts background jobs with SIGINT ignored. Both tools stop gracefully on it.
  kill -TERM "$gopid" "$ourpid"; wait "$gopid" "$ourpid" || true
}
archive to_file_plain
names_go=$(cd "$work/to_file_plain.go" && ls); names_ours=$(cd "$work/to_file_plain.ours" && ls)
echo "$names_go" >"$work/names.go"; echo "$names_ours" >"$work/names.ours"
check "nsq_to_file file names ($names_ours)" "$work/names.go" "$work/names.ours"
check "nsq_to_file file bytes" <(cat "$work"/to_file_plain.go/*) <(cat "$work"/to_file_plain.ours/*)
archive to_file_gzip --gzip
check "nsq_to_file --gzip file names" <(cd "$work/to_file_gzip.go" && ls) <(cd "$work/to_file_gzip.ours" && ls)
check "nsq_to_file --gzip content" <(gzip -dc "$work"/to_file_gzip.go/*) <(gzip -dc "$work"/to_file_gzip.ours/*)

# 3. nsq_stat's header.
"$go/nsq_stat" --topic=to_file_plain --channel=go --nsqd-http-address=127.0.0.1:$http --count=1 --interval=100ms 2>/dev/null | head -2 >"$work/stat.go" || true
"${nsq[@]}" nsq_stat --topic=to_file_plain --channel=go --nsqd-http-address=127.0.0.1:$http --count=1 --interval=100ms 2>/dev/null | head -2 >"$work/stat.ours" || true
check "nsq_stat header" "$work/stat.go" "$work/stat.ours"
exit "$failed"
