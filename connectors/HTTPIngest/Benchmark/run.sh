#!/usr/bin/env bash
# HTTP ingest benchmark (issue 8): wrk against `packetflow ingest` on an embedded broker, loopback.
# Usage: connectors/HTTPIngest/Benchmark/run.sh [packetflow-binary]   (default: a release build)
# Bounded: each run lasts DURATION (10 s) with CONNECTIONS (8) connections; EVENTS per request.
set -euo pipefail
cd "$(dirname "$0")/../../.."
binary=${1:-}
if [[ -z "$binary" ]]; then
    swift build -c release --scratch-path .build-bench --product packetflow >&2
    binary=.build-bench/release/packetflow
fi
duration=${DURATION:-10s}
connections=${CONNECTIONS:-8}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$binary" broker --brokers 1 --listen 127.0.0.1:0 --topic bench:6 --address-file "$work/addr" --log-level warning >/dev/null &
pids+=($!)
for _ in $(seq 100); do [[ -s "$work/addr" ]] && break; sleep 0.1; done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$binary" ingest --listen "127.0.0.1:$port" --bootstrap "$(cat "$work/addr")" --log-level warning &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

for events in 1 10 100; do
    echo -n "events/request $events, connections $connections, $duration: "
    EVENTS=$events wrk -t2 -c"$connections" -d"$duration" --latency -s connectors/HTTPIngest/Benchmark/post-lines.lua \
        "http://127.0.0.1:$port" | tail -1
done
