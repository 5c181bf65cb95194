#!/usr/bin/env python3
"""Plots the real-workers step load: input, lag and replicas over time for each controller.

Usage: python3 Benchmarks/autoscaling/real/plot.py [TRACE.csv] [OUTPUT.png]
Defaults: Benchmarks/autoscaling/results/real/trace.csv -> docs/images/autoscaling-real-step-load.png
Needs matplotlib (pip install matplotlib).
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NAMES = {"reactor": ("PacketFlow reactor", "tab:blue"), "keda": ("KEDA's formula (HPA defaults)", "tab:orange")}


def main() -> None:
    trace = sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/autoscaling/results/real/trace.csv"
    output = sys.argv[2] if len(sys.argv) > 2 else "docs/images/autoscaling-real-step-load.png"
    with open(trace, newline="") as handle:
        rows = list(csv.DictReader(handle))
    time = [int(row["time"]) for row in rows]
    controllers = [name[: -len("-replicas")] for name in rows[0] if name.endswith("-replicas")]
    figure, (rate, lag, replicas) = plt.subplots(3, 1, sharex=True, figsize=(10, 8))
    rate.plot(time, [int(row["rate"]) for row in rows], color="black")
    rate.set_ylabel("input, packets/s")
    for name in controllers:
        label, colour = NAMES.get(name, (name, None))
        lag.plot(time, [int(row[f"{name}-lag"]) for row in rows], label=label, color=colour)
        replicas.step(time, [int(row[f"{name}-replicas"]) for row in rows], where="post", label=label, color=colour)
    lag.set_ylabel("lag, packets")
    replicas.set_ylabel("workers running")
    replicas.set_xlabel("seconds")
    lag.legend()
    figure.suptitle("Step load on real workers: a DF stage at 10 ms a packet (about 100 packets/s per worker)")
    figure.tight_layout()
    figure.savefig(output, dpi=100)


if __name__ == "__main__":
    main()
