#!/usr/bin/env bash
# PostgreSQL sink benchmark (issue 8): rows/s of one-row statements against batches, on a
# throwaway server (initdb in a temporary folder, loopback, a free port, stopped on exit).
# Usage: connectors/PostgreSQL/Benchmark/run.sh   (ROWS=200000 SINGLE_ROWS=10000)
set -euo pipefail
cd "$(dirname "$0")/../../.."
scratch="${SCRATCH:-.build-bench}"
swift build -c release --scratch-path "$scratch" --product PostgresSinkBenchmark >&2

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d)
as_server=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$work"; as_server=(runuser -u postgres --); fi
cleanup() { "${as_server[@]}" "$bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${as_server[@]}" "$bin/initdb" -D "$work/data" -U packetflow --auth=trust -E UTF8 --no-instructions >/dev/null
# Durable settings as shipped (fsync on): the figures include real commits.
"${as_server[@]}" "$bin/pg_ctl" -D "$work/data" -o "-p $port -k $work -c listen_addresses=127.0.0.1" -l "$work/log" -w start >/dev/null

"$scratch/release/PostgresSinkBenchmark" --url "postgres://packetflow@127.0.0.1:$port/postgres" \
    --rows "${ROWS:-200000}" --single-rows "${SINGLE_ROWS:-10000}"
