#!/usr/bin/env bash
# packetflow publish vs kcat -P -l: one JSON-lines file, the same headers, one embedded broker.
# Usage: Benchmarks/publish/run.sh [LINES] [ROUNDS]   (defaults: 1000000 lines, 3 rounds)
# Builds packetflow in release mode (scratch path .build-bench unless SCRATCH is set), starts
# `packetflow broker` on a free port, and prints messages/s and peak RSS of each run plus the
# medians as a markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
lines="${1:-1000000}"
rounds="${2:-3}"
scratch="${SCRATCH:-.build-bench}"
work="$(mktemp -d)"
broker=""
trap '[ -n "$broker" ] && kill "$broker" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

swift build -c release --scratch-path "$scratch" --product packetflow >&2
packetflow="$scratch/release/packetflow"

# About 64 bytes a line.
python3 - "$lines" > "$work/events.jsonl" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print('{"id":%9d,"user":"u%05d","action":"click","v":%4d}' % (i, i % 100000, i % 1000))
PY
echo "input: $lines lines, $(wc -c < "$work/events.jsonl") bytes" >&2

"$packetflow" broker --listen 127.0.0.1:0 --address-file "$work/address" --brokers 3 --log-level warning 2>"$work/broker.log" &
broker=$!
for _ in $(seq 100); do [ -s "$work/address" ] && break; sleep 0.1; done
bootstrap="$(cat "$work/address")"

# The headers a minimal packet carries: version, id, group, kind (kcat sends one fixed id).
headers=(-H pf-version=1 -H pf-id=01JDQ7Z8K2M4N6P8R0T2V4X6Y8 -H pf-group=ED -H pf-kind=bench)
settings=(linger.ms=5 batch.num.messages=10000)

measure() { # name topic command...: prints "name msgs/s rss_kb"
    local name=$1 topic=$2; shift 2
    echo "$topic:12" | kcat -b "$bootstrap" -P -K: -t __packetflow.topic-requests
    sleep 0.5
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
    end=$(date +%s.%N)
    python3 -c "import sys; print('$name', round($lines / ($end - $start)), open('$work/rss').read().strip())"
}

for round in $(seq "$rounds"); do
    measure kcat "kcat-$round" kcat -b "$bootstrap" -P -l -t "kcat-$round" "${headers[@]}" \
        -X linger.ms=5 -X batch.num.messages=10000 "$work/events.jsonl"
    measure publish "validated-$round" "$packetflow" publish "validated-$round" --bootstrap "$bootstrap" \
        --file "$work/events.jsonl" --quiet --property linger.ms=5 --property batch.num.messages=10000
    measure publish-no-validate "raw-$round" "$packetflow" publish "raw-$round" --bootstrap "$bootstrap" \
        --file "$work/events.jsonl" --quiet --no-validate --property linger.ms=5 --property batch.num.messages=10000
done | tee "$work/results" >&2

python3 - "$work/results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, rate, rss = line.split()
    runs.setdefault(name, []).append((int(rate), int(rss)))
kcat = statistics.median(r for r, _ in runs["kcat"])
print("| run | messages/s (median) | vs kcat | peak RSS |")
print("|---|---|---|---|")
for name, values in runs.items():
    rate = statistics.median(r for r, _ in values)
    rss = max(m for _, m in values)
    print(f"| {name} | {rate:,.0f} | {rate / kcat:.2f}x | {rss / 1024:.0f} MB |")
PY
