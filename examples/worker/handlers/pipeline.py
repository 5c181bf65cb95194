#!/usr/bin/env python3
"""Exec handlers for the processing pipeline, one program per stage.

Speaks PacketFlow's exec protocol (docs/handlers.md): one JSON request per line on stdin,
one JSON response per line on stdout, matched by "id". Run as
`python3 pipeline.py validate|compute|save`.
"""
import json
import sys


def validate(packet):
    order = packet["payload"]
    if "order" not in order or "id" not in order["order"]:
        raise ValueError("order without id")
    return [order]


def compute(packet):
    order = dict(packet["payload"])
    order["total"] = order.get("qty", 0) * 10
    return [order]


def save(packet):
    return [packet["payload"]]


def main():
    handle = {"validate": validate, "compute": compute, "save": save}[sys.argv[1]]
    for line in sys.stdin:
        request = json.loads(line)
        try:
            response = {"id": request["id"], "outputs": handle(request["packet"])}
        except Exception as error:  # errors are values: the worker retries, then dead-letters
            response = {"id": request["id"], "error": str(error)}
        sys.stdout.write(json.dumps(response) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
