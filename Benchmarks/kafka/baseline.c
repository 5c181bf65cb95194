/*
 * The C baseline of the Kafka benchmark: librdkafka used directly, with the same settings
 * as PacketFlow's Swift clients. Prints one line in the format the Swift children print:
 *   side=c role=produce messages=N seconds=S rate=R maxrss_kb=K cpu_seconds=C
 *
 * usage: baseline produce <bootstrap> <topic> <partitions> <count>
 *        baseline consume <bootstrap> <topic> <group> <count>
 *
 * Records go to partitions in runs of 5,000 (partition (i / 5000) % partitions): large
 * batches like the sticky partitioner's, but spread evenly, since the embedded cluster keeps
 * at most 5 MB per partition and drops the rest silently.
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Peak RSS of this process image (VmHWM). Not getrusage's ru_maxrss: after posix_spawn it
 * starts from the parent's peak, and the parent holds the embedded cluster's data. */
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
                fprintf(stderr, "baseline: %s=%s: %s\n", key, value, error);
                exit(2);
        }
}

/* User plus system CPU time of this process so far, start-up and group join included. */
static double cpu_seconds(void) {
        struct rusage usage;
        getrusage(RUSAGE_SELF, &usage);
        return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
               usage.ru_stime.tv_usec / 1e6;
}

static void report(const char *role, long count, double seconds) {
        printf("side=c role=%s messages=%ld seconds=%.3f rate=%.0f maxrss_kb=%ld cpu_seconds=%.3f\n", role, count,
               seconds, count / seconds, max_rss_kb(), cpu_seconds());
}

static long delivered, failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
        (void)rk;
        (void)opaque;
        if (message->err)
                failed++;
        else
                delivered++;
}

static int produce(const char *bootstrap, const char *topic, int partitions, long count) {
        char error[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", bootstrap);
        set(conf, "client.id", "packetflow-bench-c");
        set(conf, "enable.idempotence", "true");
        set(conf, "linger.ms", "5");
        set(conf, "batch.num.messages", "10000");
        set(conf, "queue.buffering.max.messages", "100000");
        set(conf, "message.timeout.ms", "300000");
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
        if (!rk) {
                fprintf(stderr, "baseline: %s\n", error);
                return 1;
        }
        char value[64];
        memset(value, 'v', sizeof(value));
        const char trace[] = "00f067aa0ba902b7";
        const char source[] = "bench";
        char sequence[24];

        double start = now_seconds();
        for (long i = 0; i < count; i++) {
                int length = snprintf(sequence, sizeof(sequence), "%ld", i);
                rd_kafka_resp_err_t err;
                while ((err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                RD_KAFKA_V_PARTITION((int32_t)((i / 5000) % partitions)),
                                                RD_KAFKA_V_VALUE(value, sizeof(value)),
                                                RD_KAFKA_V_HEADER("trace-id", trace, sizeof(trace) - 1),
                                                RD_KAFKA_V_HEADER("source", source, sizeof(source) - 1),
                                                RD_KAFKA_V_HEADER("sequence", sequence, length), RD_KAFKA_V_END)) ==
                       RD_KAFKA_RESP_ERR__QUEUE_FULL)
                        rd_kafka_poll(rk, 10); /* wait for room: serve delivery reports */
                if (err) {
                        fprintf(stderr, "baseline: produce: %s\n", rd_kafka_err2str(err));
                        return 1;
                }
                rd_kafka_poll(rk, 0);
        }
        rd_kafka_flush(rk, 60000);
        double seconds = now_seconds() - start;
        if (delivered != count) {
                fprintf(stderr, "baseline: delivered %ld of %ld (%ld failed)\n", delivered, count, failed);
                return 1;
        }
        report("produce", count, seconds);
        rd_kafka_destroy(rk);
        return 0;
}

static int consume(const char *bootstrap, const char *topic, const char *group, long count) {
        char error[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", bootstrap);
        set(conf, "group.id", group);
        set(conf, "client.id", "packetflow-bench-c");
        set(conf, "partition.assignment.strategy", "range,roundrobin");
        set(conf, "auto.offset.reset", "earliest");
        set(conf, "fetch.wait.max.ms", "100");
        set(conf, "enable.auto.offset.store", "false");
        /* Prefetch it all: at librdkafka 2.0.2's default (100,000) a full prefetch queue stops
         * fetching until an idle timer fires, up to 1 s later, and that pause dominates. */
        char prefetch[24];
        snprintf(prefetch, sizeof(prefetch), "%ld", count);
        set(conf, "queued.min.messages", prefetch);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof(error));
        if (!rk) {
                fprintf(stderr, "baseline: %s\n", error);
                return 1;
        }
        rd_kafka_poll_set_consumer(rk);
        rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
        rd_kafka_subscribe(rk, topics);
        rd_kafka_topic_partition_list_destroy(topics);
        rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);

        enum { batch = 1000 };
        rd_kafka_message_t *messages[batch];
        long received = 0, bytes = 0, headers = 0;
        double start = 0;
        /* The clock starts at the first record, so the group join is not measured. */
        while (received < count) {
                ssize_t n = rd_kafka_consume_batch_queue(queue, 100, messages, batch);
                for (ssize_t i = 0; i < n; i++) {
                        rd_kafka_message_t *message = messages[i];
                        if (!message->err) {
                                rd_kafka_headers_t *list;
                                if (start == 0)
                                        start = now_seconds();
                                received++;
                                bytes += message->len + message->key_len;
                                if (!rd_kafka_message_headers(message, &list))
                                        headers += rd_kafka_header_cnt(list);
                        }
                        rd_kafka_message_destroy(message);
                }
        }
        double seconds = now_seconds() - start;
        if (headers != 3 * count)
                fprintf(stderr, "baseline: expected %ld headers, saw %ld (%ld bytes)\n", 3 * count, headers, bytes);
        report("consume", count, seconds);
        rd_kafka_queue_destroy(queue);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        return 0;
}

int main(int argc, char **argv) {
        if (argc == 6 && !strcmp(argv[1], "produce"))
                return produce(argv[2], argv[3], atoi(argv[4]), atol(argv[5]));
        if (argc == 6 && !strcmp(argv[1], "consume"))
                return consume(argv[2], argv[3], argv[4], atol(argv[5]));
        fprintf(stderr, "usage: %s produce <bootstrap> <topic> <partitions> <count>\n"
                        "       %s consume <bootstrap> <topic> <group> <count>\n",
                argv[0], argv[0]);
        return 2;
}
