/*
 * The baseline of the worker benchmark: a pipelined consume-produce-commit relay written
 * against librdkafka directly, as a user who knows librdkafka would write it, with the
 * settings a PacketFlow DF stage uses (fetch.wait.max.ms 100, linger.ms 10,
 * batch.num.messages 10000, idempotent producer, manual offset store). Copies key, value and
 * headers of every record to the output topic and never waits for the broker: each input's
 * offset is stored once the delivery reports of it and of every earlier input of its
 * partition have arrived, and librdkafka commits the stored offsets every 500 ms. That is
 * at-least-once, like the worker, at the speed librdkafka allows.
 *
 * usage: relay <bootstrap> <input-topic> <output-topic> <group> <count>
 * prints: side=c relayed=N seconds=S rate=R maxrss_kb=K
 */
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PARTITIONS 64
/* Inputs of one partition produced and not yet confirmed; a power of two. */
#define WINDOW (1 << 18)

static double now_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long max_rss_kb(void) {
        char line[256];
        long kb = -1;
        FILE *status = fopen("/proc/self/status", "r");
        while (status && fgets(line, sizeof(line), status))
                if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
                        break;
        if (status)
                fclose(status);
        return kb;
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
        char error[512];
        if (rd_kafka_conf_set(conf, key, value, error, sizeof(error)) != RD_KAFKA_CONF_OK) {
                fprintf(stderr, "relay: %s=%s: %s\n", key, value, error);
                exit(2);
        }
}

/* One input partition's inputs in flight, in offset order: a ring of offsets with a done flag
 * each. `head` is the oldest unconfirmed, `tail` the next free slot. */
struct lane {
        int64_t offsets[WINDOW];
        unsigned char done[WINDOW];
        uint64_t head, tail;
        int64_t confirmed; /* next offset to store, -1 before the first */
        int dirty;
};

static struct lane *lanes[MAX_PARTITIONS];
static long failed, unconfirmed;

/* The opaque of a produced record: its input partition and its slot in that lane. */
static void *slot_opaque(int32_t partition, uint64_t slot) {
        return (void *)(uintptr_t)(((uint64_t)partition << 32) | (slot & (WINDOW - 1)));
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
        (void)rk;
        (void)opaque;
        if (message->err) {
                failed++;
                return;
        }
        uintptr_t value = (uintptr_t)message->_private;
        struct lane *lane = lanes[value >> 32];
        lane->done[value & (WINDOW - 1)] = 1;
        while (lane->head < lane->tail && lane->done[lane->head & (WINDOW - 1)]) {
                lane->done[lane->head & (WINDOW - 1)] = 0;
                lane->confirmed = lane->offsets[lane->head & (WINDOW - 1)] + 1;
                lane->head++;
                lane->dirty = 1;
                unconfirmed--;
        }
}

/* Stores the confirmed offsets of every lane that moved; librdkafka commits them. */
static void store_confirmed(rd_kafka_t *consumer, const char *input) {
        rd_kafka_topic_partition_list_t *list = NULL;
        for (int partition = 0; partition < MAX_PARTITIONS; partition++) {
                struct lane *lane = lanes[partition];
                if (!lane || !lane->dirty)
                        continue;
                if (!list)
                        list = rd_kafka_topic_partition_list_new(16);
                rd_kafka_topic_partition_list_add(list, input, partition)->offset = lane->confirmed;
                lane->dirty = 0;
        }
        if (list) {
                rd_kafka_offsets_store(consumer, list);
                rd_kafka_topic_partition_list_destroy(list);
        }
}

int main(int argc, char **argv) {
        if (argc != 6) {
                fprintf(stderr, "usage: relay <bootstrap> <input-topic> <output-topic> <group> <count>\n");
                return 2;
        }
        const char *bootstrap = argv[1], *input = argv[2], *output = argv[3], *group = argv[4];
        long count = atol(argv[5]);
        char error[512];

        rd_kafka_conf_t *producer_conf = rd_kafka_conf_new();
        set(producer_conf, "bootstrap.servers", bootstrap);
        set(producer_conf, "enable.idempotence", "true");
        set(producer_conf, "linger.ms", "10");
        set(producer_conf, "batch.num.messages", "10000");
        rd_kafka_conf_set_dr_msg_cb(producer_conf, on_delivery);
        rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, producer_conf, error, sizeof(error));
        if (!producer) {
                fprintf(stderr, "relay: %s\n", error);
                return 1;
        }

        rd_kafka_conf_t *consumer_conf = rd_kafka_conf_new();
        set(consumer_conf, "bootstrap.servers", bootstrap);
        set(consumer_conf, "group.id", group);
        set(consumer_conf, "partition.assignment.strategy", "range,roundrobin");
        set(consumer_conf, "auto.offset.reset", "earliest");
        set(consumer_conf, "enable.auto.commit", "true");
        set(consumer_conf, "auto.commit.interval.ms", "500");
        set(consumer_conf, "enable.auto.offset.store", "false");
        set(consumer_conf, "fetch.wait.max.ms", "100");
        set(consumer_conf, "session.timeout.ms", "6000");
        rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, consumer_conf, error, sizeof(error));
        if (!consumer) {
                fprintf(stderr, "relay: %s\n", error);
                return 1;
        }
        rd_kafka_poll_set_consumer(consumer);
        rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, input, RD_KAFKA_PARTITION_UA);
        rd_kafka_subscribe(consumer, topics);
        rd_kafka_topic_partition_list_destroy(topics);

        long relayed = 0;
        double started = 0;
        while (relayed < count) {
                rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
                rd_kafka_poll(producer, 0);
                store_confirmed(consumer, input);
                if (!message)
                        continue;
                if (message->err || message->partition < 0 || message->partition >= MAX_PARTITIONS) {
                        rd_kafka_message_destroy(message);
                        continue;
                }
                if (started == 0)
                        started = now_seconds();
                struct lane *lane = lanes[message->partition];
                if (!lane) {
                        lane = lanes[message->partition] = calloc(1, sizeof(struct lane));
                        lane->confirmed = -1;
                }
                while (lane->tail - lane->head == WINDOW)
                        rd_kafka_poll(producer, 10);
                uint64_t slot = lane->tail++;
                lane->offsets[slot & (WINDOW - 1)] = message->offset;
                unconfirmed++;
                rd_kafka_headers_t *headers = NULL, *copy = NULL;
                if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR)
                        copy = rd_kafka_headers_copy(headers);
                rd_kafka_resp_err_t result;
                do {
                        result = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(output),
                                                   RD_KAFKA_V_KEY(message->key, message->key_len),
                                                   RD_KAFKA_V_VALUE(message->payload, message->len),
                                                   RD_KAFKA_V_HEADERS(copy), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                   RD_KAFKA_V_OPAQUE(slot_opaque(message->partition, slot)),
                                                   RD_KAFKA_V_END);
                        if (result == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                                rd_kafka_poll(producer, 10);
                } while (result == RD_KAFKA_RESP_ERR__QUEUE_FULL);
                if (result != RD_KAFKA_RESP_ERR_NO_ERROR) {
                        fprintf(stderr, "relay: produce: %s\n", rd_kafka_err2str(result));
                        return 1;
                }
                rd_kafka_message_destroy(message);
                relayed++;
        }
        /* The last acknowledgements, then their offsets, committed before exiting. */
        while (unconfirmed > 0 && failed == 0)
                rd_kafka_poll(producer, 100);
        if (failed > 0) {
                fprintf(stderr, "relay: %ld records undelivered; not committing them\n", failed);
                return 1;
        }
        store_confirmed(consumer, input);
        rd_kafka_commit(consumer, NULL, 0);
        double seconds = now_seconds() - started;
        printf("side=c relayed=%ld seconds=%.3f rate=%.0f maxrss_kb=%ld\n", relayed, seconds, relayed / seconds, max_rss_kb());
        fflush(stdout);
        /* Offsets are committed and every record acknowledged: exit without leaving the group
         * (consumer_close can wait on the embedded cluster for the session timeout). */
        return 0;
}
