#!/usr/bin/env bash
# The autoscaling step load on real workers: the reactor against KEDA's formula (see RealStepLoad.swift).
# Usage: Benchmarks/autoscaling/real/run.sh [--lag-threshold N] [--controllers reactor,keda] [--before S --step S --after S]
# Release builds of packetflow and of the run (scratch path .build-bench unless SCRATCH is set);
# writes Benchmarks/autoscaling/results/real/{summary.md,trace.csv,scale-events.txt,reactor-observations.csv} and, with
# matplotlib installed, docs/images/autoscaling-real-step-load.png. About 13 minutes.
set -euo pipefail
cd "$(dirname "$0")/../../.."
scratch="${SCRATCH:-.build-bench}"
swift build -c release --scratch-path "$scratch" --product packetflow
swift build -c release --scratch-path "$scratch" --product AutoscalingRealRun
"$scratch/release/AutoscalingRealRun" --packetflow "$PWD/$scratch/release/packetflow" "$@"
if python3 -c "import matplotlib" 2>/dev/null; then
    python3 Benchmarks/autoscaling/real/plot.py
fi
