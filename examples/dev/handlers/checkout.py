#!/usr/bin/env python3
"""Exec handlers of the dev-mode checkout molecule (examples/dev/checkout.pf).

Speaks PacketFlow's exec protocol (docs/handlers.md): one JSON request per line on stdin, one
JSON response per line on stdout, matched by "id". `compute` sleeps PACKETFLOW_DEV_COST_MS
(default 10 ms) per packet, so one worker handles about 100 packets a second and a moderate
`packetflow dev --load` makes the reactor scale it out.
"""
import json
import os
import sys
import time

COST = float(os.environ.get("PACKETFLOW_DEV_COST_MS", "10")) / 1000.0


def compute(order):
    time.sleep(COST)
    priced = dict(order)
    priced["total"] = order.get("qty", 1) * 10
    return [priced]


def main():
    handle = {"compute": compute}[sys.argv[1]]
    for line in sys.stdin:
        request = json.loads(line)
        try:
            response = {"id": request["id"], "outputs": handle(request["packet"]["payload"])}
        except Exception as error:  # errors are values: the worker retries, then dead-letters
            response = {"id": request["id"], "error": str(error)}
        sys.stdout.write(json.dumps(response) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
