// latency_bench: event -> decision latency of the Operations agent under an open-loop load.
//
// Starts a runtime node (agents {"operations"}) on fresh topics, then produces ServiceLoad
// envelopes at fixed rates, one phase per rate. The producer is open loop: event i of a phase
// is due at start + i / rate and is sent then, however far behind the node is, so a slow node
// shows as latency and is not hidden by a slower producer. A reader on aetherial.decisions
// times every decision as it arrives against the moment its cause was due (the cause's
// event id carries its sequence number): the latency a consumer of the decisions sees,
// producer batching, broker, runtime and the decision's own produce included.
// Results (p50, p99, p99.9 and max per rate) go to stdout and, with --out, to a JSON array.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/progress.hpp"
#include "bench/utc_now.hpp"
#include "bench_common.hpp"
#include "load_generator.hpp"
#include "runtime/node.hpp"
#include "schemas/envelope.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace {

namespace rt = aetherial::runtime;
namespace schemas = aetherial::schemas;
namespace topics = aetherial::topics;
using json = nlohmann::json;
using namespace aetherial::bench;

struct phase {
  double rate = 0;          ///< events/s asked for
  std::uint64_t first = 0;  ///< sequence number of its first event
  std::uint64_t count = 0;  ///< events produced
  steady::time_point start; ///< when its first event was due
  double produce_s = 0;     ///< from the first event due to the last sent
};

/// The sample at quantile q of sorted values (nearest rank).
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

} // namespace

int main(int argc, char** argv) {
  set_program_name("latency_bench");
  std::string brokers, out, label, samples, guarantee = "at_least_once";
  std::vector<double> rates;
  double seconds = 10;
  int partitions = 4, services = 64;
  double drain_s = 5;
  rt::node_options no;
  CLI::App app{"Event -> decision latency of the Operations agent under an open-loop load"};
  app.add_option("--brokers", brokers, "Kafka bootstrap servers; empty: embedded broker");
  app.add_option("--rates", rates, "Events/s of each phase, in order")
      ->required()
      ->check(CLI::PositiveNumber);
  app.add_option("--seconds", seconds, "Length of each phase")->check(CLI::PositiveNumber);
  app.add_option("--partitions", partitions, "Partitions of every topic")
      ->check(CLI::Range(1, 1024));
  app.add_option("--services", services, "Distinct services (keys) in the input")
      ->check(CLI::Range(1, 100000));
  app.add_option("--drain-seconds", drain_s,
                 "After the last phase, wait this long past the last decision");
  app.add_option("--guarantee", guarantee, "at_least_once or exactly_once (needs --brokers)")
      ->check(CLI::IsMember({"at_least_once", "exactly_once"}));
  app.add_option("--checkpoint-events", no.checkpoint_events,
                 "Runtime checkpoint after this many events per partition (the runtime's default)");
  app.add_option("--checkpoint-interval-ms", no.checkpoint_interval_ms,
                 "Runtime checkpoint interval (the runtime's default)");
  app.add_option("--samples", samples,
                 "Write every decision's latency to this CSV (rate, seconds into the phase, ms)");
  app.add_option("--out", out, "Append the result to the JSON array in this file");
  app.add_option("--label", label, "Broker label in the result (default embedded / kafka)");
  CLI11_PARSE(app, argc, argv);
  const auto g = *rt::parse_guarantee(guarantee);
  if (g == rt::guarantee::exactly_once && brokers.empty())
    fail("--guarantee exactly_once needs --brokers");
  if (label.empty()) label = brokers.empty() ? "embedded" : "kafka";
  spdlog::set_level(spdlog::level::warn);

  const std::string prefix =
      "latency." + std::to_string(std::time(nullptr)) + "-" + std::to_string(getpid()) + ".";
  const topics::catalog cat(prefix, partitions);
  std::unique_ptr<topics::embedded_broker> embedded;
  topics::kafka_config kc;
  kc.client_id = "aetherial-latency-bench";
  if (brokers.empty()) {
    embedded = start_embedded(cat);
    kc.brokers = embedded->bootstrap();
  } else {
    kc.brokers = brokers;
    if (auto r = topics::ensure_topics(kc, cat, topics::ms{60000}); !r)
      fail("cannot create topics on " + brokers + ": " + r.error_value().message);
  }
  const std::string input = cat.name(topics::catalog::metrics);
  const std::string decisions = cat.name(topics::catalog::decisions);

  temp_dir data;
  no.brokers = kc.brokers;
  no.topic_prefix = prefix;
  no.partitions = partitions;
  no.group = prefix + "group";
  no.data_dir = data.path();
  no.metrics_port = -1;
  no.telemetry_interval_ms = 0;
  no.instance_id = "latency-bench-" + std::to_string(getpid());
  no.agents = {"operations"};
  no.guarantee = g;
  aetherial::app::progress_line progress("latency_bench");
  progress.update("starting the node", 0, 1);
  auto started = rt::node::start(no);
  if (!started) fail("node start failed: " + started.error_value().message);
  auto& nd = *started.value();

  auto prod = topics::producer::create(kc);
  if (!prod) fail("cannot create the producer: " + prod.error_value().message);
  const auto run_tag = schemas::fnv1a(prefix);
  load_generator gen(services, 20240601);
  std::uint64_t seq = 0; // the generator numbers its events 1, 2, ...
  std::string key;
  const auto send_next = [&] {
    auto v = gen.next(run_tag, key);
    ++seq;
    if (auto r = prod.value()->send(input, -1, key, v.data(), v.size()); !r)
      fail("produce to " + input + " failed: " + r.error_value().message);
  };

  // Warm-up: the group joined and the agents running before any phase is timed.
  const std::uint64_t warmup = 2000;
  for (std::uint64_t i = 0; i < warmup; ++i)
    send_next();
  if (auto r = prod.value()->flush(topics::ms{60000}); !r)
    fail("flush: " + r.error_value().message);
  const auto warm_deadline = steady::now() + std::chrono::seconds(120);
  while (nd.events_in_total() < static_cast<double>(warmup)) {
    progress.update("warming up (group join)", static_cast<std::uint64_t>(nd.events_in_total()),
                    warmup);
    if (steady::now() > warm_deadline) fail("the node did not apply the warm-up in 120 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // The decisions reader, from the current end of every partition.
  auto rd = topics::reader::create(kc, g == rt::guarantee::exactly_once);
  if (!rd) fail("cannot create a reader: " + rd.error_value().message);
  std::vector<topics::topic_partition> from;
  for (int p = 0; p < partitions; ++p)
    from.push_back({decisions, p, -1});
  if (auto r = rd.value()->assign(from); !r) fail("assign: " + r.error_value().message);
  (void)rd.value()->poll(1, topics::ms{500}); // the assignment takes effect

  std::vector<phase> phases;
  std::mutex m;
  struct arrival {
    std::uint64_t cause = 0;     ///< sequence number of the cause
    steady::time_point seen;     ///< when the reader got the decision
    double since_created_ms = 0; ///< from the decision record's create time to then
  };
  std::vector<arrival> arrivals;
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> last_arrival_ns{0};
  std::thread reader([&] {
    while (!stop.load()) {
      auto recs = rd.value()->poll(4096, topics::ms{50});
      const auto now = steady::now();
      const auto wall_ms = std::chrono::duration<double, std::milli>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
      if (recs.empty()) continue;
      std::lock_guard<std::mutex> lock(m);
      for (const auto& r : recs) {
        const auto* env = schemas::verify_envelope(r.value.data(), r.value.size(),
                                                   schemas::default_max_event_bytes, nullptr);
        if (env == nullptr) continue;
        const auto cause = schemas::event_id::from(env->causation_id());
        if (cause.hi != run_tag) continue;
        arrivals.push_back({cause.lo, now, wall_ms - static_cast<double>(r.timestamp_ms)});
      }
      last_arrival_ns.store(now.time_since_epoch().count());
    }
  });

  for (const double rate : rates) {
    phase ph;
    ph.rate = rate;
    ph.first = seq + 1;
    ph.count = static_cast<std::uint64_t>(rate * seconds);
    ph.start = steady::now() + std::chrono::milliseconds(10);
    const auto label_text = "phase " + std::to_string(phases.size() + 1) + "/" +
                            std::to_string(rates.size()) + " at " +
                            std::to_string(static_cast<long long>(rate)) + " events/s";
    for (std::uint64_t i = 0; i < ph.count; ++i) {
      const auto due =
          ph.start +
          std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * static_cast<double>(i) / rate));
      if (steady::now() < due) {
        prod.value()->poll();
        std::this_thread::sleep_until(due);
      }
      send_next();
      if ((i & 4095) == 0) progress.update(label_text, i, ph.count);
    }
    ph.produce_s = seconds_since(ph.start);
    phases.push_back(ph);
  }
  (void)prod.value()->flush(topics::ms{60000});
  // Drain: until every event is applied and no decision came for a while.
  const double total = static_cast<double>(seq);
  const auto drain_deadline = steady::now() + std::chrono::seconds(300);
  for (;;) {
    const auto last = steady::time_point(steady::duration(last_arrival_ns.load()));
    progress.update("draining", static_cast<std::uint64_t>(nd.events_in_total()), seq);
    if (nd.events_in_total() >= total && seconds_since(last) > drain_s) break;
    if (steady::now() > drain_deadline) fail("the node did not apply every event in 300 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  reader.join();
  progress.finish();
  nd.stop();
  started.value().reset();

  json rec;
  rec["system"] = "aetherial-latency";
  rec["broker"] = label;
  rec["guarantee"] = guarantee;
  rec["partitions"] = partitions;
  rec["services"] = services;
  rec["seconds_per_phase"] = seconds;
  rec["checkpoint_events"] = no.checkpoint_events;
  rec["checkpoint_interval_ms"] = no.checkpoint_interval_ms;
  rec["date"] = utc_now();
  json out_phases = json::array();
  std::ofstream csv;
  if (!samples.empty()) {
    csv.open(samples, std::ios::trunc);
    if (!csv) fail("cannot write " + samples);
    csv << "rate,due_s,latency_ms\n";
  }
  for (const auto& ph : phases) {
    std::vector<double> ms, out_ms;
    for (const auto& a : arrivals) {
      if (a.cause < ph.first || a.cause >= ph.first + ph.count) continue;
      const auto due = ph.start + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                      1e9 * static_cast<double>(a.cause - ph.first) / ph.rate));
      ms.push_back(std::chrono::duration<double, std::milli>(a.seen - due).count());
      if (csv.is_open())
        csv << ph.rate << ',' << std::chrono::duration<double>(due - ph.start).count() << ','
            << ms.back() << '\n';
      out_ms.push_back(a.since_created_ms);
    }
    std::sort(ms.begin(), ms.end());
    std::sort(out_ms.begin(), out_ms.end());
    json p;
    p["rate"] = ph.rate;
    p["events"] = ph.count;
    p["achieved_produce_rate"] = static_cast<double>(ph.count) / ph.produce_s;
    p["decisions"] = ms.size();
    p["p50_ms"] = quantile(ms, 0.50);
    p["p99_ms"] = quantile(ms, 0.99);
    p["p999_ms"] = quantile(ms, 0.999);
    p["max_ms"] = ms.empty() ? 0.0 : ms.back();
    // The part after the runtime sent the decision: its produce, the broker, the reader.
    p["decision_created_to_seen_p50_ms"] = quantile(out_ms, 0.50);
    p["decision_created_to_seen_p99_ms"] = quantile(out_ms, 0.99);
    std::printf("latency at %.0f events/s (%s, %s): %zu decisions: p50 %.1f ms, p99 %.1f ms, "
                "p99.9 %.1f ms, max %.1f ms (produced at %.0f events/s); decision sent -> seen: "
                "p50 %.1f ms, p99 %.1f ms\n",
                ph.rate, label.c_str(), guarantee.c_str(), ms.size(), quantile(ms, 0.5),
                quantile(ms, 0.99), quantile(ms, 0.999), p["max_ms"].get<double>(),
                p["achieved_produce_rate"].get<double>(), quantile(out_ms, 0.5),
                quantile(out_ms, 0.99));
    if (ms.empty()) fail("no decision was seen for the phase at " + std::to_string(ph.rate));
    out_phases.push_back(p);
  }
  rec["phases"] = out_phases;
  if (!out.empty()) append_json(out, rec);
  return 0;
}
