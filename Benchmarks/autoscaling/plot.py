#!/usr/bin/env python3
"""Plots the autoscaling simulation: lag and replicas over time for each controller.

Usage: python3 Benchmarks/autoscaling/plot.py [TRACE.csv] [OUTPUT.png]
Defaults: Benchmarks/autoscaling/results/trace.csv -> docs/images/autoscaling-step-load.png
Needs matplotlib (pip install matplotlib).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CONTROLLERS = [
    ("packetflow", "PacketFlow reactor", "tab:blue", "-"),
    ("packetflow-warm", "PacketFlow reactor, capacity known", "tab:cyan", "--"),
    ("keda-tuned", "KEDA, lagThreshold 1,000", "tab:orange", "-"),
    ("keda-default", "KEDA, lagThreshold 10 (default)", "tab:red", "-"),
]


def main() -> None:
    trace = sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/autoscaling/results/trace.csv"
    output = sys.argv[2] if len(sys.argv) > 2 else "docs/images/autoscaling-step-load.png"
    with open(trace, newline="") as handle:
        rows = list(csv.DictReader(handle))
    time = [int(row["time"]) for row in rows]

    figure, (lag_axis, replica_axis, input_axis) = plt.subplots(
        3, 1, figsize=(10, 8.5), sharex=True, gridspec_kw={"height_ratios": [3, 3, 1.4]}
    )
    for key, label, colour, style in CONTROLLERS:
        lag = [int(row[f"{key}_lag"]) / 1000 for row in rows]
        replicas = [int(row[f"{key}_replicas"]) for row in rows]
        lag_axis.plot(time, lag, label=label, color=colour, linestyle=style)
        replica_axis.step(time, replicas, where="post", label=label, color=colour, linestyle=style)
    input_axis.plot(time, [int(row["input_rate"]) / 1000 for row in rows], color="tab:gray")

    lag_axis.set_ylabel("lag (thousand messages)")
    lag_axis.set_title("Step load 500 -> 4,000 -> 500 msg/s, 12 partitions, 1,000 msg/s per replica")
    lag_axis.legend(loc="upper right")
    replica_axis.set_ylabel("replicas requested")
    replica_axis.set_ylim(0, 13)
    input_axis.set_ylabel("input (k msg/s)")
    input_axis.set_xlabel("time (s)")
    for axis in (lag_axis, replica_axis, input_axis):
        axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(output, dpi=110)
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
