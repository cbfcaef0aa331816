// throughput_bench: events/s through the Operations agent, end to end.
//
// Pre-produces N ServiceLoad envelopes to <prefix>platform.metrics, then starts a runtime node
// (agents {"operations"}) on the same topics and measures the wall time until it has applied
// all N and a final checkpoint (journal, snapshot, decisions flushed, offsets committed) is
// done. With no --brokers it runs on the embedded broker (librdkafka's mock cluster, owned by
// this process). Results go to stdout and, with --out, to a JSON array in FILE.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>
#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/progress.hpp"
#include "bench/utc_now.hpp"
#include "bench_common.hpp"
#include "load_generator.hpp"
#include "runtime/audit.hpp"
#include "runtime/node.hpp"
#include "schemas/envelope.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace {

using aetherial::bench::utc_now;

namespace rt = aetherial::runtime;
namespace schemas = aetherial::schemas;
namespace topics = aetherial::topics;
using json = nlohmann::json;
using aetherial::bench::load_generator;
using namespace aetherial::bench; // fail, temp_dir, append_json, measurements

struct bench_options {
  std::string brokers;
  std::size_t events = 200'000;
  int partitions = 4;
  std::string topic_prefix;
  std::string out;
  std::string label;
  int services = 64;
  int checkpoint_interval_ms = 5000;
  std::size_t checkpoint_events = 10000;
  int scheduler_threads = 0;
  std::string scheduler_policy = "sharing";
  int timeout_s = 600;
  bool produce = true;
  bool consume = true;
  bool verbose = false;
  bool audit = false;
  rt::guarantee guarantee = rt::guarantee::at_least_once;
};

struct produce_result {
  double seconds = 0;
  double avg_bytes = 0;
};

produce_result produce(const topics::kafka_config& kc, const std::string& topic,
                       const bench_options& o, std::uint64_t run_tag) {
  auto prod = topics::producer::create(kc);
  if (!prod) fail("cannot create the producer: " + prod.error_value().message);
  load_generator gen(o.services, 20240601);
  aetherial::app::progress_line progress("throughput_bench");
  const auto t0 = steady::now();
  std::uint64_t bytes = 0;
  std::string key;
  for (std::size_t i = 0; i < o.events; ++i) {
    auto v = gen.next(run_tag, key);
    bytes += v.size();
    if (auto r = prod.value()->send(topic, -1, key, v.data(), v.size()); !r)
      fail("produce to " + topic + " failed: " + r.error_value().message);
    if ((i & 1023) == 0) {
      prod.value()->poll();
      progress.update("producing", i, o.events);
    }
  }
  progress.update("flushing", o.events, o.events);
  if (auto r = prod.value()->flush(topics::ms{120000}); !r)
    fail("flush to " + topic + " failed: " + r.error_value().message);
  if (prod.value()->delivery_failures() > 0)
    fail(std::to_string(prod.value()->delivery_failures()) +
         " records were not delivered: " + prod.value()->last_delivery_error());
  progress.finish();
  produce_result r;
  r.seconds = seconds_since(t0);
  r.avg_bytes = o.events > 0 ? static_cast<double>(bytes) / static_cast<double>(o.events) : 0;
  return r;
}

/// The physical limit: a plain librdkafka consumer (its defaults, a new group, from the
/// earliest offset) that reads the input and touches each payload, nothing else. Fills `rec`.
void raw_consume(const topics::kafka_config& kc, const std::string& topic, const bench_options& o,
                 json& rec) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::string group =
      o.topic_prefix + "raw." + std::to_string(std::time(nullptr)) + "-" + std::to_string(getpid());
  for (const auto& [k, v] : {std::pair<std::string, std::string>{"bootstrap.servers", kc.brokers},
                             {"group.id", group},
                             {"client.id", "aetherial-throughput-bench-raw"},
                             {"auto.offset.reset", "earliest"},
                             {"enable.auto.commit", "false"}})
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
      fail("raw consumer: " + k + ": " + err);
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk(
      rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err), &rd_kafka_destroy);
  if (!rk) fail(std::string("raw consumer: ") + err);
  rd_kafka_poll_set_consumer(rk.get());
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>
      subs(rd_kafka_topic_partition_list_new(1), &rd_kafka_topic_partition_list_destroy);
  rd_kafka_topic_partition_list_add(subs.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (const auto e = rd_kafka_subscribe(rk.get(), subs.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR)
    fail(std::string("raw consumer: subscribe: ") + rd_kafka_err2str(e));
  aetherial::app::progress_line progress("throughput_bench");
  const auto t_start = steady::now();
  const auto deadline = t_start + std::chrono::seconds(o.timeout_s);
  std::optional<steady::time_point> t_first, t_half;
  double cpu_first = 0;
  std::size_t seen = 0;
  std::uint64_t bytes = 0; // the payloads are read, so the consumer cannot skip them
  while (seen < o.events) {
    if (steady::now() > deadline)
      fail("raw consumer: timed out with " + std::to_string(seen) + " of " +
           std::to_string(o.events) + " records");
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (!t_first) {
        t_first = steady::now();
        cpu_first = cpu_seconds();
      }
      const auto* b = static_cast<const std::uint8_t*>(m->payload);
      bytes += m->len > 0 ? b[0] + b[m->len - 1] : 0;
      if (++seen == o.events / 2 + 1) t_half = steady::now();
      if ((seen & 4095) == 0) progress.update("raw librdkafka consumer", seen, o.events);
    } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      spdlog::warn("raw consumer: {}", rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
  }
  const auto t_done = steady::now();
  const double cpu_s = cpu_seconds() - cpu_first;
  progress.finish();
  rd_kafka_consumer_close(rk.get());
  const auto n = static_cast<double>(o.events);
  const double process_s = std::chrono::duration<double>(t_done - *t_first).count();
  rec["system"] = "librdkafka-consumer";
  rec["first_event_s"] = std::chrono::duration<double>(*t_first - t_start).count();
  rec["process_s"] = process_s;
  rec["events_per_s"] = n / process_s;
  rec["events_per_s_processing"] = n / process_s;
  if (const double half_s = std::chrono::duration<double>(t_done - *t_half).count(); half_s > 0)
    rec["events_per_s_second_half"] = (n - std::floor(n / 2)) / half_s;
  rec["cpu_s"] = cpu_s;
  rec["cpu_us_per_event"] = cpu_s * 1e6 / n;
  rec["payload_checksum"] = bytes;
  std::printf("raw librdkafka consumer on %s: %zu records in %.2f s = %.0f records/s; %.2f us CPU "
              "per record\n",
              o.label.c_str(), o.events, process_s, n / process_s, cpu_s * 1e6 / n);
}

} // namespace

int main(int argc, char** argv) {
  bench_options o;
  CLI::App app{"Events/s through the Operations agent: Kafka in -> agent -> decisions out, "
               "with checkpoints"};
  app.add_option("--brokers", o.brokers, "Kafka bootstrap servers; empty: embedded broker");
  app.add_option("--events", o.events, "ServiceLoad events to produce and process")
      ->check(CLI::PositiveNumber);
  app.add_option("--partitions", o.partitions, "Partitions of every topic")
      ->check(CLI::Range(1, 1024));
  app.add_option("--topic-prefix", o.topic_prefix,
                 "Topic prefix (default: a new one per run, bench.<time>-<pid>.)");
  app.add_option("--out", o.out, "Append the result to the JSON array in this file");
  app.add_option("--label", o.label, "Broker label in the result (default embedded / kafka)");
  app.add_option("--services", o.services, "Distinct services (keys) in the input")
      ->check(CLI::Range(1, 100000));
  app.add_option("--checkpoint-interval-ms", o.checkpoint_interval_ms,
                 "Runtime checkpoint interval (the runtime's default)");
  app.add_option("--checkpoint-events", o.checkpoint_events,
                 "Runtime checkpoint after this many events per partition (the runtime's default)");
  app.add_option("--scheduler-threads", o.scheduler_threads, "Actor scheduler threads (0: cores)");
  app.add_option("--scheduler-policy", o.scheduler_policy, "Actor scheduler: sharing or stealing")
      ->check(CLI::IsMember({"sharing", "stealing"}));
  app.add_option("--timeout-s", o.timeout_s, "Give up when not done after this long");
  bool produce_only = false, consume_only = false;
  app.add_flag("--produce-only", produce_only, "Only produce the input (to share it with a peer)");
  app.add_flag("--consume-only", consume_only,
               "Only process: the input was produced before with the same --topic-prefix");
  bool raw = false;
  app.add_flag("--raw-librdkafka", raw,
               "Instead of a node, a plain librdkafka consumer reads the input (the physical "
               "limit)");
  app.add_flag("--verbose", o.verbose, "Runtime log at info level");
  app.add_flag("--audit", o.audit,
               "After the run, audit it (replay every input, compare every decision) and "
               "measure the audit's events/s and peak resident size; only for the first run on "
               "a --topic-prefix");
  std::string guarantee = "at_least_once";
  app.add_option("--guarantee", guarantee,
                 "at_least_once (the runtime's default) or exactly_once (needs --brokers: the "
                 "embedded broker has no transactions)")
      ->check(CLI::IsMember({"at_least_once", "exactly_once"}));
  CLI11_PARSE(app, argc, argv);
  set_program_name("throughput_bench");
  o.guarantee = *rt::parse_guarantee(guarantee);
  if (o.guarantee == rt::guarantee::exactly_once && o.brokers.empty())
    fail("--guarantee exactly_once needs --brokers");
  if (produce_only && consume_only) fail("--produce-only and --consume-only exclude each other");
  o.produce = !consume_only;
  o.consume = !produce_only;
  if (o.topic_prefix.empty()) {
    if (consume_only) fail("--consume-only needs the --topic-prefix the input was produced with");
    o.topic_prefix =
        "bench." + std::to_string(std::time(nullptr)) + "-" + std::to_string(getpid()) + ".";
  }
  if (o.label.empty()) o.label = o.brokers.empty() ? "embedded" : "kafka";
  spdlog::set_level(o.verbose ? spdlog::level::info : spdlog::level::warn);

  const topics::catalog cat(o.topic_prefix, o.partitions);
  const std::string input = cat.name(topics::catalog::metrics);
  std::unique_ptr<topics::embedded_broker> embedded;
  topics::kafka_config kc;
  kc.client_id = "aetherial-throughput-bench";
  if (o.brokers.empty()) {
    if (!o.produce || !o.consume)
      fail("--produce-only / --consume-only need --brokers (the embedded broker lives in this "
           "process)");
    embedded = start_embedded(cat);
    kc.brokers = embedded->bootstrap();
  } else {
    kc.brokers = o.brokers;
    if (o.produce)
      if (auto r = topics::ensure_topics(kc, cat, topics::ms{60000}); !r)
        fail("cannot create topics on " + o.brokers + ": " + r.error_value().message);
  }

  json rec;
  // Each guarantee is a system of its own in the report, compared with the other.
  rec["system"] =
      o.guarantee == rt::guarantee::exactly_once ? "aetherial-exactly-once" : "aetherial";
  rec["guarantee"] = std::string(rt::to_string(o.guarantee));
  rec["broker"] = o.label;
  rec["events"] = o.events;
  rec["partitions"] = o.partitions;
  rec["services"] = o.services;
  rec["topic"] = input;
  rec["date"] = utc_now();

  if (o.produce) {
    const auto run_tag = schemas::fnv1a(o.topic_prefix);
    auto p = produce(kc, input, o, run_tag);
    const auto [stored, truncated] = topic_records(kc, input);
    if (truncated || stored < static_cast<std::int64_t>(o.events))
      fail("the broker keeps " + std::to_string(stored) + " of " + std::to_string(o.events) +
           " records of " + input +
           (embedded ? " (the embedded broker keeps about 5 MiB per partition: lower --events "
                       "or raise --partitions)"
                     : ""));
    rec["produce_s"] = p.seconds;
    rec["envelope_bytes"] = p.avg_bytes;
    std::printf("produced %zu ServiceLoad envelopes (%.0f B each on average) to %s in %.2f s\n",
                o.events, p.avg_bytes, input.c_str(), p.seconds);
    std::fflush(stdout);
  }
  if (!o.consume) {
    if (!o.out.empty()) {
      rec["system"] = "input";
      append_json(o.out, rec);
    }
    return 0;
  }
  if (!o.produce) {
    const auto [stored, truncated] = topic_records(kc, input);
    if (truncated || stored != static_cast<std::int64_t>(o.events))
      fail(input + " holds " + std::to_string(stored) + " records, --events says " +
           std::to_string(o.events));
  }

  if (raw) {
    raw_consume(kc, input, o, rec);
    if (!o.out.empty()) append_json(o.out, rec);
    return 0;
  }

  temp_dir data;
  rt::node_options no;
  no.brokers = kc.brokers;
  no.topic_prefix = o.topic_prefix;
  no.partitions = o.partitions;
  // A new group per run: several runs may read the same pre-produced input.
  no.group = o.topic_prefix + "group." + std::to_string(std::time(nullptr)) + "-" +
             std::to_string(getpid());
  no.data_dir = data.path();
  no.metrics_port = -1;
  no.telemetry_interval_ms = 0; // its events would be counted as inputs of Operations
  no.checkpoint_interval_ms = o.checkpoint_interval_ms;
  no.checkpoint_events = o.checkpoint_events;
  no.scheduler_threads = o.scheduler_threads;
  no.scheduler_policy = o.scheduler_policy;
  no.instance_id = "throughput-bench-" + std::to_string(getpid());
  no.agents = {"operations"};
  no.guarantee = o.guarantee;

  // Runs sharing an input also share the output topics: count this run's decisions only.
  const auto decisions_before = topic_records(kc, cat.name(topics::catalog::decisions)).first;
  aetherial::app::progress_line progress("throughput_bench");
  progress.update("starting the node", 0, o.events);
  const auto t_start = steady::now();
  auto started = rt::node::start(no);
  if (!started) fail("node start failed: " + started.error_value().message);
  auto& nd = *started.value();
  const double start_s = seconds_since(t_start);
  const auto n = static_cast<double>(o.events);
  const auto deadline = t_start + std::chrono::seconds(o.timeout_s);
  std::optional<steady::time_point> t_first, t_half;
  double cpu_first = 0;
  double applied = 0;
  for (;;) {
    applied = nd.events_in_total();
    const auto now = steady::now();
    if (!t_first && applied > 0) {
      t_first = now;
      cpu_first = cpu_seconds();
    }
    progress.update(t_first ? "processing" : "joining the group",
                    static_cast<std::uint64_t>(applied), o.events);
    if (!t_half && applied >= n / 2) t_half = now;
    if (applied >= n) break;
    if (now > deadline)
      fail("timed out after " + std::to_string(o.timeout_s) + " s with " +
           std::to_string(static_cast<std::uint64_t>(applied)) + " of " + std::to_string(o.events) +
           " events applied");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto t_applied = steady::now();
  progress.update("final checkpoint", o.events, o.events);
  const int checkpointed = nd.checkpoint_all();
  const auto t_done = steady::now();
  const double cpu_s = cpu_seconds() - cpu_first;
  progress.finish();
  const double process_s = std::chrono::duration<double>(t_applied - *t_first).count();
  const double checkpoint_s = std::chrono::duration<double>(t_done - t_applied).count();
  const double first_s = std::chrono::duration<double>(*t_first - t_start).count();
  const double total_s = std::chrono::duration<double>(t_done - t_start).count();
  const auto t_stop = steady::now();
  nd.stop();
  const double stop_s = seconds_since(t_stop);
  const auto decisions =
      topic_records(kc, cat.name(topics::catalog::decisions)).first - decisions_before;
  started.value().reset();

  const double rate = n / (process_s + checkpoint_s);
  rec["node_start_s"] = start_s;
  rec["first_event_s"] = first_s;
  rec["process_s"] = process_s;
  rec["final_checkpoint_s"] = checkpoint_s;
  rec["partitions_checkpointed"] = checkpointed;
  rec["total_s"] = total_s;
  rec["stop_s"] = stop_s;
  rec["decisions"] = decisions;
  rec["events_per_s"] = rate;
  rec["events_per_s_processing"] = n / process_s;
  rec["events_per_s_with_startup"] = n / total_s;
  // The second half alone: warm caches, no start-up effects.
  if (const double half_s = std::chrono::duration<double>(t_applied - *t_half).count(); half_s > 0)
    rec["events_per_s_second_half"] = (n - std::floor(n / 2)) / half_s;
  rec["cpu_s"] = cpu_s;
  rec["cpu_us_per_event"] = cpu_s * 1e6 / n;
  rec["cpu_includes_broker"] = static_cast<bool>(embedded);
  rec["checkpoint_interval_ms"] = o.checkpoint_interval_ms;
  rec["scheduler_threads"] = o.scheduler_threads;
  rec["scheduler_policy"] = o.scheduler_policy;
  std::printf("aetherial (%s) on %s: %zu events, %d partitions: %.2f s from the first event to all "
              "applied + %.3f s final checkpoint = %.0f events/s (%.0f with the %.2f s start and "
              "group join); %.1f us CPU per event%s; %lld decisions\n",
              std::string(rt::to_string(o.guarantee)).c_str(), o.label.c_str(), o.events,
              o.partitions, process_s, checkpoint_s, rate, n / total_s, first_s, cpu_s * 1e6 / n,
              embedded ? " (broker included)" : "", static_cast<long long>(decisions));
  if (o.audit) {
    rt::audit_options ao;
    ao.kafka = kc;
    ao.topic_prefix = o.topic_prefix;
    ao.agents = {"operations"};
    ao.progress = [&](const std::string& phase, std::uint64_t done, std::uint64_t total) {
      progress.update(phase, done, total);
    };
    reset_peak_rss();
    const double rss_before = status_mib("VmRSS");
    const auto t_audit = steady::now();
    auto report = rt::run_audit(ao);
    const double audit_s = seconds_since(t_audit);
    progress.finish();
    if (!report) fail("audit failed: " + report.error_value().message);
    const double peak = status_mib("VmHWM");
    rec["audit_s"] = audit_s;
    rec["audit_events_per_s"] = n / audit_s;
    rec["audit_vs_live"] = (n / audit_s) / rate;
    rec["audit_rss_before_mib"] = rss_before;
    rec["audit_peak_rss_mib"] = peak;
    rec["audit_decisions"] = report.value().decisions;
    rec["audit_divergences"] = report.value().divergences;
    std::printf("audit: %llu inputs replayed, %s in %.2f s = %.0f events/s (%.2fx live); resident "
                "%.0f MiB before, peak %.0f MiB (+%.0f MiB)\n",
                static_cast<unsigned long long>(report.value().inputs_replayed),
                report.value().summary().c_str(), audit_s, n / audit_s, (n / audit_s) / rate,
                rss_before, peak, peak - rss_before);
    if (report.value().divergences != 0) fail("the audit found divergences");
  }
  if (!o.out.empty()) append_json(o.out, rec);
  return 0;
}
