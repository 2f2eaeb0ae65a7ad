# What the benchmark scripts share; each sources it first, with its own arguments:
#   . "$(dirname "$0")/lib.sh"
# It answers -h/--help with the script's header comment, moves to the repository root and quiets the dotnet CLI; then
# the helpers: build, the throughput scripts' arguments, ports, waiting for and stopping a process, median, key=value
# fields. Messages name the script.
# shellcheck shell=bash
case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
esac
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
bench_script=$(basename "$0")

# build <csproj>: Release into $art (the script's artifacts folder); says which and fails with the script's name.
build() {
  echo "# building $1 (Release, artifacts $art)"
  if ! dotnet build "$1" -c Release --artifacts-path "$art" -nologo -v q -clp:NoSummary; then
    echo "$bench_script: build of $1 failed" >&2
    return 1
  fi
}

# throughput_args [size=200] [batch=200] [mem-queue-size=10000] [runs=3] [runfor=10s]: the arguments of bench.sh and
# bench-sdk.sh, into size, batch, memq, runs and runfor; a count that is not a number is a usage error (exit 2).
throughput_args() {
  size=${1:-200}
  batch=${2:-200}
  memq=${3:-10000}
  runs=${4:-3}
  runfor=${5:-10s}
  local n
  for n in "$size" "$batch" "$memq" "$runs"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "$bench_script: not a number: $n" >&2; exit 2; }
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  while true; do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { echo "$p"; return; }
  done
}

# wait_port <port> <pid>: up to 20 s for the process to listen; fails at once if it exits.
wait_port() {
  for _ in $(seq 1 200); do
    port_in_use "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

# stop_pid <pid>: SIGTERM, up to 5 s to exit, then SIGKILL; nothing when the pid is empty or gone.
stop_pid() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# median [decimals=3]: the median of the numbers on stdin, one a line ("n/a" for none); an even count averages the two
# middle values, printed with that many decimals.
median() {
  sort -g | awk -v d="${1:-3}" '{v[NR]=$1} END {if (NR==0) {print "n/a"; exit} if (NR%2) print v[(NR+1)/2]; else printf "%." d "f\n", (v[NR/2]+v[NR/2+1])/2}'
}

# field <key>: the value of " key=value" in the lines on stdin (the load tool's summary lines).
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p"; }

# rate <writer|reader>: the msgs/s of that tool's "writer: N msgs/s" line on stdin (bench.sh's per-run output).
rate() { sed -n "s/^$1: \([0-9.]*\) msgs\/s.*/\1/p"; }

# ratio <a> <b>: a as a percentage of b ("n/a" when b is 0).
ratio() { awk -v s="$1" -v r="$2" 'BEGIN { if (r > 0) printf "%.1f%%", 100 * s / r; else print "n/a" }'; }

# compare <label> <name-a> <name-b> <a-values> <b-values>: one summary line, medians of each side and b/a.
compare() {
  local a b
  a=$(printf '%s\n' $4 | median 0); b=$(printf '%s\n' $5 | median 0)
  printf '%s: %s %s msgs/s  %s %s msgs/s  %s/%s %s  (runs: %s / %s)\n' "$1" "$2" "$a" "$3" "$b" "$3" "$2" "$(ratio "$b" "$a")" "$4" "$5"
}
