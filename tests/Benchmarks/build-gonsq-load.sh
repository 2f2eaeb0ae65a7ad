#!/usr/bin/env bash
# Build gonsq-load (tests/Benchmarks/gonsq-load: go-nsq publish→deliver latency) offline, next to the real NSQ binaries.
# Usage: tests/Benchmarks/build-gonsq-load.sh
#   ANCHORS: the folder of ../shared/tools/build-nsq-anchors.sh (default /tmp/nsq-anchors); the program lands in
#   $ANCHORS/bin/gonsq-load, built from go-nsq and golang/snappy as unpacked in $ANCHORS/src/deps (no network).
# The build runs in a temporary copy, so the repository never gets a go.sum or a binary.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
A=${ANCHORS:-/tmp/nsq-anchors}
D=$A/src/deps
for d in nsqio+go-nsq golang+snappy; do
  [ -d "$D/$d" ] || {
    echo "$bench_script: $D/$d is missing: build the anchors first (../shared/tools/build-nsq-anchors.sh MIRROR_DIR $A)" >&2
    exit 1
  }
done
command -v go >/dev/null || { echo "$bench_script: go is not installed (Debian's golang-go, as the anchors need)" >&2; exit 1; }
export GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp tests/Benchmarks/gonsq-load/go.mod tests/Benchmarks/gonsq-load/main.go "$tmp/"
mkdir -p "$A/bin"
( cd "$tmp" \
  && go mod edit -replace "github.com/nsqio/go-nsq=$D/nsqio+go-nsq" -replace "github.com/golang/snappy=$D/golang+snappy" \
  && go build -o "$A/bin/gonsq-load" . )
echo "# built $A/bin/gonsq-load"
