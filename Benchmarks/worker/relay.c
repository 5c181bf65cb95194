/*
 * The baseline of the worker benchmark: a consume-produce-commit relay written against
 * librdkafka directly, with the settings a PacketFlow DF stage uses (fetch.wait.max.ms 100,
 * linger.ms 10, batch.num.messages 10000, idempotent producer, manual offset store). Copies
 * key, value and headers of every record to the output topic; every 1,000 records (or when
 * the input goes quiet) it flushes the producer and only then stores and commits the offsets:
 * at-least-once, like the worker.
 *
 * usage: relay <bootstrap> <input-topic> <output-topic> <group> <count>
 * prints: side=c relayed=N seconds=S rate=R maxrss_kb=K
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static long failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
        (void)rk;
        (void)opaque;
        if (message->err)
                failed++;
}

/* Waits for every produced record's acknowledgement, then stores and commits the offsets. */
static void flush_and_commit(rd_kafka_t *producer, rd_kafka_t *consumer, rd_kafka_topic_partition_list_t *pending) {
        if (pending->cnt == 0)
                return;
        if (rd_kafka_flush(producer, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR || failed > 0) {
                fprintf(stderr, "relay: records undelivered; not committing\n");
                exit(1);
        }
        rd_kafka_offsets_store(consumer, pending);
        rd_kafka_commit(consumer, NULL, 1);
        pending->cnt = 0;
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
        set(consumer_conf, "enable.auto.commit", "false");
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

        rd_kafka_topic_partition_list_t *pending = rd_kafka_topic_partition_list_new(64);
        long relayed = 0, since_commit = 0;
        double started = 0;
        while (relayed < count) {
                rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, 100);
                rd_kafka_poll(producer, 0);
                if (!message) {
                        flush_and_commit(producer, consumer, pending);
                        since_commit = 0;
                        continue;
                }
                if (message->err) {
                        rd_kafka_message_destroy(message);
                        continue;
                }
                if (started == 0)
                        started = now_seconds();
                rd_kafka_headers_t *headers = NULL, *copy = NULL;
                if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR)
                        copy = rd_kafka_headers_copy(headers);
                rd_kafka_resp_err_t result;
                do {
                        result = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(output),
                                                   RD_KAFKA_V_KEY(message->key, message->key_len),
                                                   RD_KAFKA_V_VALUE(message->payload, message->len),
                                                   RD_KAFKA_V_HEADERS(copy), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                   RD_KAFKA_V_END);
                        if (result == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                                rd_kafka_poll(producer, 10);
                } while (result == RD_KAFKA_RESP_ERR__QUEUE_FULL);
                if (result != RD_KAFKA_RESP_ERR_NO_ERROR) {
                        fprintf(stderr, "relay: produce: %s\n", rd_kafka_err2str(result));
                        return 1;
                }
                rd_kafka_topic_partition_t *next = rd_kafka_topic_partition_list_find(
                        pending, rd_kafka_topic_name(message->rkt), message->partition);
                if (!next)
                        next = rd_kafka_topic_partition_list_add(pending, rd_kafka_topic_name(message->rkt),
                                                                  message->partition);
                next->offset = message->offset + 1;
                rd_kafka_message_destroy(message);
                relayed++;
                if (++since_commit >= 1000) {
                        flush_and_commit(producer, consumer, pending);
                        since_commit = 0;
                }
        }
        flush_and_commit(producer, consumer, pending);
        double seconds = now_seconds() - started;
        printf("side=c relayed=%ld seconds=%.3f rate=%.0f maxrss_kb=%ld\n", relayed, seconds, relayed / seconds, max_rss_kb());
        fflush(stdout);
        /* Offsets are committed and every record acknowledged: exit without leaving the group
         * (consumer_close can wait on the embedded cluster for the session timeout). */
        return 0;
}
