#!/usr/bin/env python3
"""A fast exec handler: reads whatever requests have arrived and answers them in one write.

Speaks PacketFlow's exec protocol (docs/handlers.md, "Fast programs"). Each answer is the
request's payload with "seen": true added.
"""
import json
import os
import sys


def transform(payload):
    payload["seen"] = True
    return payload


def main():
    dumps, loads, out = json.dumps, json.loads, sys.stdout.buffer
    rest = b""
    while chunk := os.read(0, 1 << 16):
        *lines, rest = (rest + chunk).split(b"\n")
        answers = []
        for line in lines:
            request = loads(line)
            answers.append(dumps({"id": request["id"], "outputs": [transform(request["packet"]["payload"])]}, separators=(",", ":")))
        if answers:
            out.write(("\n".join(answers) + "\n").encode())
            out.flush()


if __name__ == "__main__":
    main()
