# The exec handler of the worker benchmark's lanes row: every request waits 10 ms (a call to
# another service) and the program answers requests side by side, in the order they finish.
import asyncio
import json
import sys


async def main():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    running = set()

    async def handle(line):
        request = json.loads(line)
        await asyncio.sleep(0.01)
        sys.stdout.write(json.dumps({"id": request["id"], "outputs": [request["packet"]["payload"]]}) + "\n")
        sys.stdout.flush()

    while line := await reader.readline():
        task = asyncio.create_task(handle(line))
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)


asyncio.run(main())
