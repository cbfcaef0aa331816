// Failover: how long a partition's decisions stop when the node owning it is SIGKILLed and
// not restarted. Two `aetherial run` nodes (the Operations agent) share the partitions of a
// real Kafka broker, with a keyed state of --services services; the victim is killed, and the
// survivor must notice (the group's session timeout), take the victim's partitions over,
// restore their state from the snapshot topic and the changelog (it never owned them, so it
// has no local copy), and decide again. Probe events (a CPU spike on a service never seen
// before, one decision each) go to the victim's partitions every 50 ms from the kill on.
//
// Per round: kill -> the survivor owns every partition (DescribeGroups, polled every 50 ms),
// and kill -> the first decision on one of the victim's partitions (a reader tailing the
// decisions topic; read_committed under exactly_once, so that is when a consumer sees it).
//
// Usage: failover_bench --brokers B [--rounds N] [--services S] [--partitions P]
//          [--session-timeout-ms T] [--guarantee at_least_once|exactly_once] [--out FILE]
// The broker's group.min.session.timeout.ms must allow T (bench/failover/run.sh sets 1000).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/utc_now.hpp"
#include "schemas/partitioner.hpp"
#include "tests/runtime/child_process.hpp"
#include "tests/runtime/runtime_fixture.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace {

namespace topics = aetherial::topics;
using namespace std::chrono;
using aetherial::test::child_process;

struct options {
  std::string brokers;
  int rounds = 3;
  int services = 20000;
  int partitions = 4;
  int session_timeout_ms = 6000;
  std::string guarantee = "at_least_once";
  std::string out;
};

struct round_result {
  double assigned_ms = -1;       ///< kill -> the survivor owns every partition
  double first_decision_ms = -1; ///< kill -> first decision on a victim's partition
  std::string recovery;          ///< how the survivor recovered them (from its log)
};

/// The last lines of the nodes' log, for a failure's message.
std::string tail_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  std::string out;
  for (auto i = lines.size() > 40 ? lines.size() - 40 : 0; i < lines.size(); ++i)
    out += lines[i] + "\n";
  return out;
}

double ms_since(steady_clock::time_point t) {
  return duration<double, std::milli>(steady_clock::now() - t).count();
}

/// Ends the round (its processes are killed as it unwinds) and the benchmark with exit 1.
[[noreturn]] void fail(const std::string& why) {
  throw std::runtime_error(why);
}

std::vector<std::string> node_argv(const options& o, const std::string& prefix,
                                   const std::string& dir, const std::string& name) {
  const int heartbeat = std::max(100, o.session_timeout_ms / 6);
  return {AETHERIAL_BIN,
          "--log-level",
          "info",
          "run",
          "--brokers",
          o.brokers,
          "--topic-prefix",
          prefix,
          "--partitions",
          std::to_string(o.partitions),
          "--group",
          prefix + "g",
          "--agents",
          "operations",
          "--guarantee",
          o.guarantee,
          "--data-dir",
          dir + "/" + name,
          "--instance-id",
          name,
          "--metrics-port",
          "-1",
          "--telemetry-interval-ms",
          "0",
          "--checkpoint-interval-ms",
          "1000",
          "--kafka-property",
          "session.timeout.ms=" + std::to_string(o.session_timeout_ms),
          "--kafka-property",
          "heartbeat.interval.ms=" + std::to_string(heartbeat)};
}

void send_load(topics::producer& p, const std::string& topic, const std::string& service,
               std::uint64_t seq, double cpu) {
  const auto v = aetherial::test::service_load({0xfa11, seq}, 1'700'000'000'000 + 1000 * seq,
                                               service, 2, cpu, 100);
  for (;;) {
    if (p.send(topic, -1, service, v.data(), v.size())) return;
    p.poll();
    std::this_thread::sleep_for(milliseconds(5));
  }
}

/// The partitions `member` (an instance id) owns, from the group's description.
std::set<std::int32_t> owned_by(const topics::group_description& d, const std::string& member) {
  std::set<std::int32_t> out;
  for (const auto& m : d.members)
    if (m.instance_id == member)
      for (const auto& tp : m.assignment)
        out.insert(tp.partition);
  return out;
}

round_result run_round(const options& o, int round) {
  round_result res;
  topics::kafka_config kc;
  kc.brokers = o.brokers;
  const std::string prefix =
      "failover" + std::to_string(::getpid()) + "r" + std::to_string(round) + ".";
  const topics::catalog cat(prefix, o.partitions);
  if (auto r = topics::ensure_topics(kc, cat, topics::ms{30000}); !r)
    fail("cannot create topics: " + r.error_value().message);
  aetherial::test::temp_dir dir;
  const std::string log = dir.path() + "/nodes.log";
  const std::string group = prefix + "g.operations";
  const std::string metrics = cat.name(topics::catalog::metrics);
  auto victim = std::make_unique<child_process>(node_argv(o, prefix, dir.path(), "victim"), log);
  auto survivor =
      std::make_unique<child_process>(node_argv(o, prefix, dir.path(), "survivor"), log);

  // The state: every service once, at a load that makes no decision.
  auto producer = topics::producer::create(kc);
  if (!producer) fail(producer.error_value().message);
  std::uint64_t seq = 0;
  for (int s = 0; s < o.services; ++s)
    send_load(*producer.value(), metrics, "svc-" + std::to_string(s), ++seq, 0.6);
  (void)producer.value()->flush(topics::ms{60000});
  std::set<std::int32_t> lost;
  const auto deadline = steady_clock::now() + seconds(180);
  for (;;) {
    if (steady_clock::now() > deadline)
      fail("the nodes did not apply and checkpoint the state in 180 s\n" + tail_of(log));
    const auto p = topics::group_progress(kc, group, {metrics}, topics::ms{10000});
    const auto d = topics::describe_group(kc, group, topics::ms{10000});
    if (p && d) {
      std::int64_t lag = 0;
      for (const auto& part : p.value())
        lag += part.lag();
      lost = owned_by(d.value(), "victim.operations");
      const auto kept = owned_by(d.value(), "survivor.operations");
      if (lag == 0 && !lost.empty() && !kept.empty() &&
          static_cast<int>(lost.size() + kept.size()) == o.partitions)
        break;
    }
    std::this_thread::sleep_for(milliseconds(200));
  }
  // One more checkpoint interval: the committed offsets come with the checkpoint, so its
  // snapshot and rows are on the topics already; this lets the survivor's own settle too.
  std::this_thread::sleep_for(milliseconds(1500));

  // Probe keys: services never seen, on the victim's partitions.
  std::vector<std::string> probes;
  for (int i = 0; probes.size() < 4000; ++i) {
    const std::string key = "probe-" + std::to_string(i);
    if (lost.count(aetherial::schemas::key_partition(key, o.partitions)) > 0) probes.push_back(key);
  }
  const std::set<std::string> probe_set(probes.begin(), probes.end());

  // A reader at the end of the decisions topic.
  auto reader = topics::reader::create(kc, o.guarantee == "exactly_once");
  if (!reader) fail(reader.error_value().message);
  const std::string decisions = cat.name(topics::catalog::decisions);
  std::vector<topics::topic_partition> from;
  for (int p = 0; p < o.partitions; ++p) {
    const auto w = reader.value()->watermarks(decisions, p, topics::ms{10000});
    if (!w) fail(w.error_value().message);
    from.push_back({decisions, p, w.value().second});
  }
  if (auto a = reader.value()->assign(from); !a) fail(a.error_value().message);

  // What the nodes logged so far; after the kill, only the survivor writes.
  const auto log_before_kill = std::filesystem::file_size(log);
  const auto killed = steady_clock::now();
  victim->signal(SIGKILL);
  victim->wait();
  std::atomic<bool> stop{false};
  std::thread prober([&] {
    std::size_t next = 0;
    while (!stop.load() && next < probes.size()) {
      send_load(*producer.value(), metrics, probes[next++], ++seq, 0.99);
      producer.value()->poll();
      std::this_thread::sleep_for(milliseconds(50));
    }
  });
  std::thread watcher([&] {
    while (!stop.load()) {
      const auto d = topics::describe_group(kc, group, topics::ms{5000});
      if (d &&
          static_cast<int>(owned_by(d.value(), "survivor.operations").size()) == o.partitions) {
        res.assigned_ms = ms_since(killed);
        return;
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
  });
  const auto give_up = killed + seconds(120);
  while (res.first_decision_ms < 0 && steady_clock::now() < give_up) {
    for (const auto& r : reader.value()->poll(1000, topics::ms{50})) {
      const auto* e = aetherial::test::envelope_of(r);
      if (e != nullptr && e->key() != nullptr && probe_set.count(e->key()->str()) > 0) {
        res.first_decision_ms = ms_since(killed);
        break;
      }
    }
  }
  stop = true;
  prober.join();
  watcher.join();
  survivor->signal(SIGTERM);
  survivor->wait();
  // How the survivor recovered the partitions it took over.
  std::ifstream in(log);
  in.seekg(static_cast<std::streamoff>(log_before_kill));
  std::map<std::string, int> sources;
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find(": recovered from ");
    if (at == std::string::npos) continue;
    const auto begin = at + std::string(": recovered from ").size();
    sources[line.substr(begin, line.find(' ', begin) - begin)]++;
  }
  for (const auto& [source, n] : sources)
    res.recovery += (res.recovery.empty() ? "" : ", ") + source + " x" + std::to_string(n);
  if (res.first_decision_ms < 0)
    fail("no decision on the victim's partitions within 120 s\n" + tail_of(log));
  return res;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app("Failover: SIGKILL of a node -> first decision on its partitions elsewhere");
  app.add_option("--brokers", o.brokers, "Kafka bootstrap servers")->required();
  app.add_option("--rounds", o.rounds)->capture_default_str();
  app.add_option("--services", o.services, "Services in the state")->capture_default_str();
  app.add_option("--partitions", o.partitions)->capture_default_str();
  app.add_option("--session-timeout-ms", o.session_timeout_ms,
                 "The group's session timeout (the broker's group.min.session.timeout.ms must "
                 "allow it)")
      ->capture_default_str();
  app.add_option("--guarantee", o.guarantee)
      ->check(CLI::IsMember({"at_least_once", "exactly_once"}))
      ->capture_default_str();
  app.add_option("--out", o.out, "Results JSON");
  CLI11_PARSE(app, argc, argv);

  nlohmann::json rounds = nlohmann::json::array();
  const auto started = aetherial::bench::utc_now();
  for (int r = 0; r < o.rounds; ++r) {
    round_result res;
    try {
      res = run_round(o, r);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "failover_bench: %s\n", e.what());
      return 1;
    }
    std::fprintf(stderr,
                 "round %d (%s, session %d ms): kill -> reassigned %.0f ms, kill -> first "
                 "decision %.0f ms (recovered from %s)\n",
                 r + 1, o.guarantee.c_str(), o.session_timeout_ms, res.assigned_ms,
                 res.first_decision_ms, res.recovery.c_str());
    rounds.push_back({{"kill_to_reassigned_ms", res.assigned_ms},
                      {"kill_to_first_decision_ms", res.first_decision_ms},
                      {"recovered_from", res.recovery}});
  }
  if (!o.out.empty()) {
    nlohmann::json doc = {{"started", started},
                          {"guarantee", o.guarantee},
                          {"services", o.services},
                          {"partitions", o.partitions},
                          {"session_timeout_ms", o.session_timeout_ms},
                          {"rounds", rounds}};
    std::ofstream(o.out) << doc.dump(2) << "\n";
  }
  return 0;
}
