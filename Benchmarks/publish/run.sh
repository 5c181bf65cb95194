#!/usr/bin/env bash
# packetflow publish vs kcat -P -l: one JSON-lines file, the same headers, the same broker.
# Usage: Benchmarks/publish/run.sh [LINES] [ROUNDS]   (defaults: 1000000 lines, 5 rounds)
# Builds packetflow in release mode (scratch path .build-bench unless SCRATCH is set). Each
# round starts a fresh `packetflow broker` (3 brokers; it keeps every topic in memory and slows
# as it fills), warms it up, then runs kcat, publish validated and publish --no-validate, each
# into a new 12-partition topic, in alternating order. Prints every run (wall, CPU, peak RSS)
# and a markdown table of medians and bests.
set -euo pipefail
cd "$(dirname "$0")/../.."
lines="${1:-1000000}"
rounds="${2:-5}"
scratch="${SCRATCH:-.build-bench}"
work="$(mktemp -d)"
broker=""
stop_broker() { [ -n "$broker" ] && kill "$broker" 2>/dev/null && wait "$broker" 2>/dev/null; broker=""; }
trap 'stop_broker; rm -rf "$work"' EXIT

swift build -c release --scratch-path "$scratch" --product packetflow >&2
packetflow="$scratch/release/packetflow"

# About 64 bytes a line.
python3 - "$lines" > "$work/events.jsonl" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print('{"id":%9d,"user":"u%05d","action":"click","v":%4d}' % (i, i % 100000, i % 1000))
PY
head -1000 "$work/events.jsonl" > "$work/warm-up.jsonl"
echo "input: $lines lines, $(wc -c < "$work/events.jsonl") bytes" >&2

start_broker() {
    rm -f "$work/address"
    "$packetflow" broker --listen 127.0.0.1:0 --address-file "$work/address" --brokers 3 --log-level warning >/dev/null 2>"$work/broker.log" &
    broker=$!
    for _ in $(seq 100); do [ -s "$work/address" ] && break; sleep 0.1; done
    bootstrap="$(cat "$work/address")"
    "$packetflow" publish warm-up --bootstrap "$bootstrap" --file "$work/warm-up.jsonl" --quiet
}

# The headers a minimal packet carries: version, id, group, kind (kcat sends one fixed id).
headers=(-H pf-version=1 -H pf-id=01JDQ7Z8K2M4N6P8R0T2V4X6Y8 -H pf-group=ED -H pf-kind=bench)
topics=0

measure() { # name command... (TOPIC in the command is replaced): prints "name msgs/s cpu_s rss_kb"
    local name=$1; shift
    topics=$((topics + 1))
    local topic="$name-$topics"
    echo "$topic:12" | kcat -b "$bootstrap" -P -K: -t __packetflow.topic-requests
    sleep 0.5
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "${@//TOPIC/$topic}" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r wall user system rss < "$work/time"
    python3 -c "print('$name', round($lines / $wall), round($user + $system, 2), $rss)"
}

run_kcat() {
    measure kcat kcat -b "$bootstrap" -P -l -t TOPIC "${headers[@]}" -X linger.ms=5 -X batch.num.messages=10000 "$work/events.jsonl"
}
run_publish() { # name [flags]
    local name=$1; shift
    measure "$name" "$packetflow" publish TOPIC --bootstrap "$bootstrap" --file "$work/events.jsonl" --quiet \
        --property linger.ms=5 --property batch.num.messages=10000 "$@"
}

for round in $(seq "$rounds"); do
    start_broker
    if [ $((round % 2)) = 1 ]; then
        run_kcat; run_publish publish; run_publish publish-no-validate --no-validate
    else
        run_publish publish-no-validate --no-validate; run_publish publish; run_kcat
    fi
    stop_broker
done | tee "$work/results" >&2

python3 - "$work/results" <<'PY'
import statistics, sys
runs, rounds = {}, []
for index, line in enumerate(open(sys.argv[1])):
    name, rate, cpu, rss = line.split()
    runs.setdefault(name, []).append((int(rate), float(cpu), int(rss)))
    if index % 3 == 0:
        rounds.append({})  # three runs a round
    rounds[-1][name] = int(rate)
# The machine's speed drifts between rounds: compare each run with kcat in its own round.
print("| run | messages/s, median | messages/s, best | vs kcat, same round (median) | CPU s, median | peak RSS |")
print("|---|---|---|---|---|---|")
for name, values in runs.items():
    median = statistics.median(r for r, _, _ in values)
    best = max(r for r, _, _ in values)
    ratio = statistics.median(round_[name] / round_["kcat"] for round_ in rounds)
    cpu = statistics.median(c for _, c, _ in values)
    rss = max(m for _, _, m in values)
    print(f"| {name} | {median:,.0f} | {best:,.0f} | {ratio:.2f}x | {cpu:.2f} | {rss / 1024:.0f} MB |")
PY
