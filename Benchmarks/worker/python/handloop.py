# The baseline of the worker benchmark's exec row: the loop a Python user writes by hand on
# confluent-kafka for the transform of examples/worker/handlers/fast.py (consume, load, set a field, dump, produce with the
# record's key and headers, store offsets; librdkafka commits them every 5 s), with the producer
# settings of a PacketFlow DF stage.
# usage: handloop.py BOOTSTRAP SOURCE SINK GROUP COUNT
import json
import sys

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, source, sink, group, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
consumer = Consumer({
    "bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
    "enable.auto.offset.store": False, "fetch.wait.max.ms": 100, "session.timeout.ms": 6000,
    "partition.assignment.strategy": "range,roundrobin",
})
producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 10, "batch.num.messages": 10000, "enable.idempotence": True})
consumer.subscribe([source])
done = 0
while done < count:
    messages = consumer.consume(1000, 0.1)
    positions = {}
    for message in messages:
        if message.error():
            continue
        record = json.loads(message.value())
        record["seen"] = True
        while True:
            try:
                producer.produce(sink, json.dumps(record, separators=(",", ":")).encode(), key=message.key(), headers=message.headers())
                break
            except BufferError:
                producer.poll(0.01)
        positions[message.partition()] = message.offset() + 1
        done += 1
    producer.poll(0)
    if positions:
        consumer.store_offsets(offsets=[TopicPartition(source, partition, offset) for partition, offset in positions.items()])
producer.flush()
consumer.commit(asynchronous=False)
