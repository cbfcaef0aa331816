// The Kafka Streams peer of throughput_bench: count by key, materialized in RocksDB.
// Usage: java CountByKey BROKERS INPUT_TOPIC OUTPUT_TOPIC EVENTS STATE_DIR THREADS COMMIT_MS
//        [--progress]
// OUTPUT_TOPIC must be new: it also names the application (its group and state).
// Prints one JSON line: start-to-first-record, first-to-last-record and close times, and the
// process's CPU time from the first record to the last and to the end of close.
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.*;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.state.KeyValueStore;

public class CountByKey {
  public static void main(String[] a) throws Exception {
    String brokers = a[0], in = a[1], out = a[2];
    long events = Long.parseLong(a[3]);
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, out.replace('.', '-')); // new per run
    p.put(StreamsConfig.STATE_DIR_CONFIG, a[4]);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(a[5]));
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.parseLong(a[6]));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    try (Admin admin = Admin.create(p)) { // the broker does not auto-create topics
      int partitions = admin.describeTopics(List.of(in)).allTopicNames().get().get(in)
          .partitions().size();
      admin.createTopics(List.of(new NewTopic(out, partitions, (short) 1))).all().get();
    }

    var os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    AtomicLong seen = new AtomicLong(), first = new AtomicLong(), last = new AtomicLong();
    AtomicLong half = new AtomicLong();
    AtomicLong cpuFirst = new AtomicLong(), cpuLast = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    StreamsBuilder b = new StreamsBuilder();
    b.<byte[], byte[]>stream(in)
        .peek((k, v) -> {
          long n = seen.incrementAndGet();
          if (n == 1) { first.set(System.nanoTime()); cpuFirst.set(os.getProcessCpuTime()); }
          if (n == events / 2 + 1) half.set(System.nanoTime());
          if (n == events) {
            last.set(System.nanoTime());
            cpuLast.set(os.getProcessCpuTime());
            done.countDown();
          }
        })
        .groupByKey()
        .count(Materialized.<byte[], Long, KeyValueStore<Bytes, byte[]>>as("counts")
                   .withValueSerde(Serdes.Long()))
        .toStream()
        .to(out, Produced.valueSerde(Serdes.Long()));
    KafkaStreams streams = new KafkaStreams(b.build(), p);
    long start = System.nanoTime();
    streams.start();
    boolean ok = false, progress = a.length > 7 && a[7].equals("--progress"); // stderr is a tty
    for (int i = 0; i < 6000 && !ok; ++i) { // 600 s at most
      ok = done.await(100, TimeUnit.MILLISECONDS);
      if (progress) System.err.printf("\r\033[KCountByKey: %d/%d records", seen.get(), events);
    }
    if (progress) System.err.print("\r\033[K");
    long closing = System.nanoTime();
    streams.close(Duration.ofSeconds(60)); // commits: flushes the store and the producer
    long closed = System.nanoTime(), cpuClosed = os.getProcessCpuTime();
    if (!ok) {
      System.err.println("CountByKey: timed out at " + seen.get() + " records");
      System.exit(1);
    }
    System.out.printf(Locale.ROOT,
        "{\"first_event_s\": %.6f, \"process_s\": %.6f, \"close_s\": %.6f, "
            + "\"second_half_s\": %.6f, \"cpu_process_s\": %.6f, \"cpu_s\": %.6f}%n",
        (first.get() - start) / 1e9, (last.get() - first.get()) / 1e9, (closed - closing) / 1e9,
        (last.get() - half.get()) / 1e9, (cpuLast.get() - cpuFirst.get()) / 1e9,
        (cpuClosed - cpuFirst.get()) / 1e9);
    System.exit(0);
  }
}
