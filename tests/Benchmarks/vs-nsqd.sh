#!/usr/bin/env bash
# Our broker against the real nsqd, alternately on fresh brokers, with ratios (issue 13): one command.
#
#   tests/Benchmarks/vs-nsqd.sh [runs=3] [runfor=10s]
#
# (a) Throughput with NSQ's own Go bench tools: bench_writer, then bench_reader on its backlog (the channel created
#     first, as nsq's bench.sh does), --batch-size=200, for 200 B with --mem-queue-size=10000, 200 B with
#     --mem-queue-size=1000000 and 1024 B with 10000; ops/s of each.
# (b) Real-client latency at each fixed rate in RATES, for each load program found: go-nsq ($ANCHORS/bin/gonsq-load),
#     nsqjs (tests/Benchmarks/nsqjs-load.js) and ours in go-nsq's write pattern (nsq bench --mode=latency); each prints
#     the shared [latency] line. The broker's CPU time (utime+stime from /proc/<pid>/stat) is sampled from the first
#     publish + the warm-up for runfor, and divided by the messages the topic received meanwhile: µs per message.
# Every run starts a fresh broker (free ports, empty temp data path), nsqd and ours taking turns run by run; each run's
# figures are printed, then a summary: per case the median of ours and of nsqd, ours/nsqd, and the issue's target.
# Environment:
#   ANCHORS=dir       the real NSQ binaries: $ANCHORS/bin/nsqd, bench_writer, bench_reader (default /tmp/nsq-anchors,
#                     built by ../shared/tools/build-nsq-anchors.sh); gonsq-load is built with build-gonsq-load.sh if
#                     missing and that script is there
#   RATES="..."       msg/s of the latency runs (default "20000 50000 100000"); RATES= skips (b)
#   WARMUP=2s         the latency runs' --warmup; THROUGHPUT=0 skips (a)
#   NSQJS_LOAD=file   the nsqjs program (default tests/Benchmarks/nsqjs-load.js)
#   VS_ARTIFACTS=dir  build output (default ${TMPDIR:-/tmp}/art-vs-nsqd); SKIP_BUILD=1 reuses it
#   BASE_DLL=file     a third broker in the rotation, "base": another build of ours (e.g. the commit before a change),
#                     so a change's cost is measured in the same run; the summary adds its median and ours/base
set -euo pipefail
. "$(dirname "$0")/lib.sh"

runs=${1:-3}
runfor=${2:-10s}
[[ "$runs" =~ ^[0-9]+$ ]] || { echo "$bench_script: not a number: $runs" >&2; exit 2; }
anchors=${ANCHORS:-/tmp/nsq-anchors}
rates=${RATES-20000 50000 100000}
warmup=${WARMUP:-2s}
art=${VS_ARTIFACTS:-${TMPDIR:-/tmp}/art-vs-nsqd}
nsqjs_load=${NSQJS_LOAD:-tests/Benchmarks/nsqjs-load.js}
for b in nsqd bench_writer bench_reader; do
  [ -x "$anchors/bin/$b" ] || { echo "$bench_script: no $anchors/bin/$b (run ../shared/tools/build-nsq-anchors.sh)" >&2; exit 2; }
done

# seconds <go duration>: 10s, 500ms, 1m, 1.5s -> seconds for sleep and arithmetic.
seconds() {
  case "$1" in
    *ms) awk -v v="${1%ms}" 'BEGIN { print v / 1000 }' ;;
    *s) echo "${1%s}" ;;
    *m) awk -v v="${1%m}" 'BEGIN { print v * 60 }' ;;
    *) echo "$bench_script: unsupported duration $1 (use ms, s or m)" >&2; exit 2 ;;
  esac
}
runfor_s=$(seconds "$runfor")
warmup_s=$(seconds "$warmup")

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build Nsqd.Service/Nsqd.Service/Nsqd.Service.csproj
  build Tools/NsqAspire.Tools/NsqAspire.Tools.csproj
fi
ours_dll="$art/bin/Nsqd.Service/release/Nsqd.Service.dll"
brokers=(nsqd ours)
if [ -n "${BASE_DLL:-}" ]; then
  [ -f "$BASE_DLL" ] || { echo "$bench_script: no $BASE_DLL" >&2; exit 2; }
  brokers+=(base)
fi
tool_dll="$art/bin/NsqAspire.Tools/release/NsqAspire.Tools.dll"

# The latency clients found; the others are skipped with a note.
clients=()
if [ -n "$rates" ]; then
  if [ ! -x "$anchors/bin/gonsq-load" ] && [ -x tests/Benchmarks/build-gonsq-load.sh ]; then
    ANCHORS=$anchors tests/Benchmarks/build-gonsq-load.sh || echo "# note: build-gonsq-load.sh failed"
  fi
  if [ -x "$anchors/bin/gonsq-load" ]; then clients+=(go-nsq); else echo "# note: no $anchors/bin/gonsq-load: go-nsq skipped"; fi
  # nsqjs-load.js loads nsqjs from ../Compat.Tests/node/node_modules beside it (npm ci there).
  if [ -f "$nsqjs_load" ] && [ -d "$(dirname "$nsqjs_load")/../Compat.Tests/node/node_modules/nsqjs" ] && command -v node >/dev/null; then
    clients+=(nsqjs)
  else
    echo "# note: no $nsqjs_load, nsqjs beside it (npm ci in tests/Compat.Tests/node) or node: nsqjs skipped"
  fi
  clients+=(nsq-gopattern)
fi

broker_pid="" broker_dir="" tcp="" http=""
stop_broker() {
  stop_pid "$broker_pid"
  broker_pid=""
  if [ -n "$broker_dir" ]; then rm -rf "$broker_dir"; fi
  broker_dir=""
}
results=$(mktemp "${TMPDIR:-/tmp}/vs-nsqd-results.XXXXXX")
trap 'stop_broker; rm -f "$results"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_broker <nsqd|ours> <mem-queue-size>: a fresh broker on free ports with an empty data path. A port found free
# can be taken before the broker binds it (the clients' own ephemeral ports share the range): then new ports, 3 tries.
start_broker() {
  local try flags
  for try in 1 2 3; do
    tcp=$(free_port)
    http=$(free_port)
    while [ "$http" = "$tcp" ]; do http=$(free_port); done
    broker_dir=$(mktemp -d "${TMPDIR:-/tmp}/vs-nsqd.XXXXXX")
    mkdir -p "$broker_dir/data"
    flags=(--tcp-address="127.0.0.1:$tcp" --http-address="127.0.0.1:$http" --data-path="$broker_dir/data" --mem-queue-size="$2")
    if [ "$1" = nsqd ]; then
      "$anchors/bin/nsqd" "${flags[@]}" >"$broker_dir/broker.log" 2>&1 &
    elif [ "$1" = base ]; then
      dotnet "$BASE_DLL" "${flags[@]}" >"$broker_dir/broker.log" 2>&1 &
    else
      dotnet "$ours_dll" "${flags[@]}" >"$broker_dir/broker.log" 2>&1 &
    fi
    broker_pid=$!
    if wait_port "$tcp" "$broker_pid" && wait_port "$http" "$broker_pid"; then return 0; fi
    echo "# note: $1 did not start (try $try/3): $(grep -m1 -i -e fatal -e 'in use' "$broker_dir/broker.log" || tail -1 "$broker_dir/broker.log")"
    stop_broker
  done
  echo "$bench_script: $1 did not start" >&2
  exit 1
}

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"; } # record <case> <broker> <value>
# ops: the ops/s of the Go tools' "duration: 10s - 57.8mb/s - 303115.300ops/s - 3.3us/op" log line (on stderr).
ops() { sed -n 's/.*duration: .* - \([0-9.]*\)ops\/s - .*/\1/p' | tail -1; }
# cpu_ticks <pid>: utime + stime (fields 14 and 15 of /proc/<pid>/stat; the name in field 2 has no spaces here).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# topic_count <topic>: the broker's message_count for the topic (0 before it exists). jq when there is one: it starts
# in milliseconds, where python3 can take a quarter of a second on a loaded machine and would skew the sampled window.
topic_count() {
  local stats
  stats=$(curl -sf "http://127.0.0.1:$http/stats?format=json&topic=$1") || { echo 0; return; }
  if command -v jq >/dev/null; then
    jq --arg t "$1" '(.data // .) | [(.topics // [])[] | select(.topic_name == $t) | .message_count] | add // 0' <<<"$stats"
  else
    python3 -c '
import json, sys
d = json.loads(sys.argv[2]); d = d.get("data", d)
print(sum(t["message_count"] for t in d.get("topics") or [] if t["topic_name"] == sys.argv[1]))' "$1" "$stats"
  fi
}

echo "# vs-nsqd: runs=$runs runfor=$runfor rates=${rates:-none} warmup=$warmup clients=${clients[*]:-none}"
echo "# nsqd: $("$anchors/bin/nsqd" --version 2>&1 | head -1); ours: $ours_dll"

# (a) NSQ's bench tools.
if [ "${THROUGHPUT:-1}" = 1 ]; then
  for shape in "200 10000" "200 1000000" "1024 10000"; do
    read -r size memq <<<"$shape"
    label="${size}B memq=$memq"
    for run in $(seq 1 "$runs"); do
      for broker in "${brokers[@]}"; do
        start_broker "$broker" "$memq"
        curl -sf -X POST "http://127.0.0.1:$http/topic/create?topic=sub_bench" >/dev/null
        curl -sf -X POST "http://127.0.0.1:$http/channel/create?topic=sub_bench&channel=ch" >/dev/null
        w=$("$anchors/bin/bench_writer" --nsqd-tcp-address="127.0.0.1:$tcp" --runfor="$runfor" --size="$size" --batch-size=200 2>&1 | ops || true)
        r=$("$anchors/bin/bench_reader" --nsqd-tcp-address="127.0.0.1:$tcp" --runfor="$runfor" --size="$size" --channel=ch 2>&1 | ops || true)
        printf 'throughput run %s/%s %-4s %-18s PUB %12s ops/s   SUB %12s ops/s\n' "$run" "$runs" "$broker" "$label" "${w:-failed}" "${r:-failed}"
        [ -z "$w" ] || record "PUB $label ops/s" "$broker" "$w"
        [ -z "$r" ] || record "SUB $label ops/s" "$broker" "$r"
        stop_broker
      done
    done
  done
fi

# (b) Real clients at fixed rates.
clk=$(getconf CLK_TCK)
for rate in $rates; do
  for run in $(seq 1 "$runs"); do
    for broker in "${brokers[@]}"; do
      for client in "${clients[@]}"; do
        start_broker "$broker" 10000
        case "$client" in
          go-nsq) cmd=("$anchors/bin/gonsq-load") ;;
          nsqjs) cmd=(node "$nsqjs_load") ;;
          nsq-gopattern) cmd=(dotnet "$tool_dll" bench --mode=latency) ;;
        esac
        "${cmd[@]}" --nsqd-tcp-address="127.0.0.1:$tcp" --topic=latency_bench --channel=ch --rate="$rate" --batch=100 \
          --size=200 --duration="$runfor" --warmup="$warmup" --max-in-flight=2500 >"$broker_dir/client.out" 2>"$broker_dir/client.err" &
        client_pid=$!
        # The client's warm-up starts with its first publish; the broker's CPU is sampled over the window after it
        # (timed by the clock; /stats is read outside the sampled span so that its cost is not counted).
        for _ in $(seq 1 400); do
          [ "$(topic_count latency_bench)" -gt 0 ] && break
          kill -0 "$client_pid" 2>/dev/null || break
          sleep 0.05
        done
        sleep "$warmup_s"
        m0=$(topic_count latency_bench); c0=$(cpu_ticks "$broker_pid")
        sleep "$runfor_s"
        c1=$(cpu_ticks "$broker_pid"); m1=$(topic_count latency_bench)
        rc=0; wait "$client_pid" || rc=$?
        line=$(grep '^\[latency\]' "$broker_dir/client.out" || true)
        if [ "$rc" != 0 ] || [ -z "$line" ]; then
          echo "latency run $run/$runs $broker $client rate=$rate: FAILED (exit $rc): $( (grep -m2 -i error "$broker_dir/client.err" || tail -2 "$broker_dir/client.err") | tr '\n' ' ')"
          stop_broker
          continue
        fi
        cpu_us=$(awk -v t=$((c1 - c0)) -v k="$clk" -v m=$((m1 - m0)) 'BEGIN { if (m > 0) printf "%.3f", t * 1e6 / k / m; else print "n/a" }')
        echo "latency run $run/$runs $broker $line broker_cpu_us_per_msg=$cpu_us (broker ticks $((c1 - c0)), msgs $((m1 - m0)))"
        for key in p50_ms p99_ms; do record "$client $rate $key" "$broker" "$(echo "$line" | field "$key")"; done
        [ "$cpu_us" = n/a ] || record "$client $rate broker_cpu_us/msg" "$broker" "$cpu_us"
        stop_broker
      done
    done
  done
done

# target <case>: the issue's goal for ours/nsqd ("" when it sets none).
target() {
  case "$1" in
    PUB*) echo ">=2.5" ;;
    SUB*) echo ">=2" ;;
    *" p99_ms") echo "<=1" ;;
    "go-nsq 100000 broker_cpu_us/msg") echo "<=0.5" ;;
    *) echo "" ;;
  esac
}

echo
echo "# summary: medians of $runs run(s); ratio = ours/nsqd (ops/s: higher is better; ms and us/msg: lower is better)"
printf '%-36s %14s %14s %8s %8s %s\n' case ours nsqd ratio target met
cut -f1 "$results" | awk '!seen[$0]++' | while IFS= read -r c; do
  o=$(awk -F'\t' -v c="$c" '$1 == c && $2 == "ours" { print $3 }' "$results" | median)
  n=$(awk -F'\t' -v c="$c" '$1 == c && $2 == "nsqd" { print $3 }' "$results" | median)
  ratio=$(awk -v o="$o" -v n="$n" 'BEGIN { if (o != "n/a" && n != "n/a" && n > 0) printf "%.2f", o / n; else print "n/a" }')
  t=$(target "$c")
  met=""
  if [ -n "$t" ] && [ "$ratio" != n/a ]; then
    met=$(awk -v r="$ratio" -v t="$t" 'BEGIN { v = substr(t, 3) + 0; ok = substr(t, 1, 1) == ">" ? r >= v : r <= v; print ok ? "yes" : "NO" }')
  fi
  if [ -n "${BASE_DLL:-}" ]; then
    b=$(awk -F'\t' -v c="$c" '$1 == c && $2 == "base" { print $3 }' "$results" | median)
    vs_base=$(awk -v o="$o" -v b="$b" 'BEGIN { if (o != "n/a" && b != "n/a" && b > 0) printf "%.3f", o / b; else print "n/a" }')
    printf '%-36s %14s %14s %8s %8s %-4s base %14s ours/base %s\n' "$c" "$o" "$n" "$ratio" "${t:--}" "$met" "$b" "$vs_base"
  else
    printf '%-36s %14s %14s %8s %8s %s\n' "$c" "$o" "$n" "$ratio" "${t:--}" "$met"
  fi
done
