#define BOOST_TEST_MODULE chaos
// Processes killed at random while they work, on a real Kafka broker: the decisions a
// read_committed reader sees afterwards are exactly those of one undisturbed process over the
// same inputs (none duplicated, none missing), and the audit replays every one of them.
//
// Sizes come from the environment (the defaults are the full run):
//   AETHERIAL_CHAOS_EVENTS   input events (1000000)
//   AETHERIAL_CHAOS_KILLS    SIGKILLs at least (20)
//   AETHERIAL_CHAOS_SEED     seed of the victims and the pauses between kills (1)

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "bench/throughput/load_generator.hpp"
#include "tests/runtime/recovery_scenario.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace {

namespace topics = aetherial::topics;
using namespace std::chrono;
using aetherial::test::child_process;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

constexpr int partitions = 12;
constexpr int services = 3000;
constexpr std::uint64_t generator_seed = 20261202;

/// Produces the `events` generated envelopes to `topic` (the same ones for every call), at
/// most `rate` per second (0: as fast as the broker takes them).
void produce_load(const topics::kafka_config& kc, const std::string& topic, std::uint64_t events,
                  double rate, std::atomic<std::uint64_t>* produced = nullptr) {
  auto producer = topics::producer::create(kc);
  BOOST_TEST_REQUIRE(producer.has_value());
  aetherial::bench::load_generator gen(services, generator_seed);
  const auto start = steady_clock::now();
  std::string key;
  for (std::uint64_t i = 0; i < events; ++i) {
    const auto v = gen.next(0xc4a05, key);
    for (;;) {
      const auto r = producer.value()->send(topic, -1, key, v.data(), v.size());
      if (r) break;
      // The local queue is full: let deliveries drain it.
      producer.value()->poll();
      std::this_thread::sleep_for(milliseconds(5));
    }
    if (produced != nullptr && i % 1000 == 999) {
      produced->store(i + 1);
      if (rate > 0) {
        const auto due = start + duration_cast<steady_clock::duration>(
                                     duration<double>(static_cast<double>(i + 1) / rate));
        std::this_thread::sleep_until(due);
      }
    }
  }
  BOOST_TEST_REQUIRE(producer.value()->flush(topics::ms{120000}).has_value());
  if (produced != nullptr) produced->store(events);
}

/// Records of `group` still to be committed on `topic`; -1 if the brokers did not say.
std::int64_t group_lag(const topics::kafka_config& kc, const std::string& group,
                       const std::string& topic) {
  const auto p = topics::group_progress(kc, group, {topic}, topics::ms{10000});
  if (!p) return -1;
  std::int64_t lag = 0;
  for (const auto& part : p.value())
    lag += part.lag();
  return lag;
}

/// Decision id -> how many times a read_committed reader sees it.
std::map<std::string, int> committed_decisions(const topics::kafka_config& kc,
                                               const std::string& topic) {
  std::map<std::string, int> copies;
  for (const auto& r : aetherial::test::read_all(kc, topic, /*committed=*/true))
    if (const auto* e = aetherial::test::envelope_of(r))
      ++copies[aetherial::schemas::event_id::from(e->id()).to_string()];
    else // never a decision of the reference run: counted as unexpected
      ++copies["unreadable record at " + std::to_string(r.partition) + "@" +
               std::to_string(r.offset)];
  return copies;
}

/// One `aetherial run` process of the chaos cluster.
struct node {
  std::string name;
  std::vector<std::string> argv;
  std::unique_ptr<child_process> process;
  steady_clock::time_point started;
  void start(const std::string& log) {
    process = std::make_unique<child_process>(argv, log);
    started = steady_clock::now();
  }
};

std::vector<std::string> run_argv(const std::string& brokers, const std::string& prefix,
                                  const std::string& data_dir, const std::string& instance,
                                  const std::string& guarantee) {
  return {AETHERIAL_BIN, "--log-level", "info", "run", "--brokers", brokers, "--topic-prefix",
          prefix, "--partitions", std::to_string(partitions), "--group", prefix + "group",
          "--data-dir", data_dir, "--instance-id", instance, "--agents", "operations",
          "--guarantee", guarantee, "--metrics-port", "-1",
          // The runtime's own telemetry is an input of the Operations agent that differs
          // between runs (lag, rates, members): off, so the runs' decisions can be compared.
          "--telemetry-interval-ms", "0", "--scheduler-threads", "1"};
}

} // namespace

BOOST_AUTO_TEST_CASE(killed_nodes_neither_lose_nor_duplicate_a_decision_on_real_kafka) {
  const char* brokers_env = std::getenv("AETHERIAL_TEST_KAFKA");
  BOOST_TEST_REQUIRE((brokers_env != nullptr && *brokers_env != '\0'),
                     "AETHERIAL_TEST_KAFKA is not set");
  const std::string brokers = brokers_env;
  const auto events = env_number("AETHERIAL_CHAOS_EVENTS", 1000000);
  const auto min_kills = env_number("AETHERIAL_CHAOS_KILLS", 20);
  std::mt19937_64 rng(env_number("AETHERIAL_CHAOS_SEED", 1));
  topics::kafka_config kc;
  kc.brokers = brokers;
  aetherial::test::temp_dir dir;
  const std::string log = dir.path() + "/chaos.log";
  const std::string tag = std::to_string(::getpid());
  const std::string prefix = "chaos" + tag + ".";
  const std::string reference_prefix = "chaosref" + tag + ".";
  const topics::catalog cat(prefix, partitions);
  const topics::catalog reference_cat(reference_prefix, partitions);
  aetherial::test::create_topics(AETHERIAL_BIN, brokers, prefix, partitions, log);
  aetherial::test::create_topics(AETHERIAL_BIN, brokers, reference_prefix, partitions, log);
  const auto started = steady_clock::now();

  // Three nodes; a fourth joins after a third of the kills and one leaves after two thirds.
  std::vector<node> nodes;
  int next_node = 0;
  const auto add_node = [&] {
    const std::string name = "node" + std::to_string(next_node++);
    node n;
    n.name = name;
    n.argv = run_argv(brokers, prefix, dir.path() + "/" + name, name, "exactly_once");
    n.start(log);
    nodes.push_back(std::move(n));
  };
  for (int i = 0; i < 3; ++i)
    add_node();

  // The load arrives while the nodes are killed: about 40 s of it.
  std::atomic<std::uint64_t> produced{0};
  const double rate = static_cast<double>(events) / 40.0;
  std::thread load(
      [&] { produce_load(kc, cat.name(topics::catalog::metrics), events, rate, &produced); });

  std::uint64_t kills = 0;
  bool joined = false;
  bool left = false;
  std::uniform_int_distribution<int> pause_ms(1500, 3500);
  // A node that exits on its own (not killed) fails the test at once.
  const auto all_running = [&] {
    for (auto& n : nodes)
      if (const int code = n.process->poll_exit(); code != -1) {
        BOOST_TEST_REQUIRE(code == -1, n.name + " exited with " + std::to_string(code) + "\n" +
                                           aetherial::test::tail_of(log));
        return false;
      }
    return true;
  };
  while (kills < min_kills || produced.load() < events) {
    std::this_thread::sleep_for(milliseconds(pause_ms(rng)));
    all_running();
    std::uniform_int_distribution<std::size_t> pick(0, nodes.size() - 1);
    auto& victim = nodes[pick(rng)];
    victim.process->signal(SIGKILL);
    BOOST_TEST(victim.process->wait() == 128 + SIGKILL);
    victim.start(log);
    ++kills;
    BOOST_TEST_MESSAGE("kill " << kills << ": " << victim.name << " (produced " << produced.load()
                               << ")");
    if (!joined && kills >= min_kills / 3) {
      add_node();
      joined = true;
      BOOST_TEST_MESSAGE("a fourth node joins");
    } else if (joined && !left && kills >= 2 * min_kills / 3) {
      // The longest running node leaves (one just restarted may not handle signals yet).
      const auto oldest =
          std::min_element(nodes.begin(), nodes.end(),
                           [](const node& a, const node& b) { return a.started < b.started; });
      auto leaving = std::move(*oldest);
      nodes.erase(oldest);
      std::this_thread::sleep_until(leaving.started + seconds(3));
      leaving.process->signal(SIGTERM);
      const int code = leaving.process->wait();
      BOOST_TEST(code == 0, leaving.name + " exited with " + std::to_string(code) + "\n" +
                                aetherial::test::tail_of(log));
      left = true;
      BOOST_TEST_MESSAGE("one node leaves");
    }
  }
  load.join();

  // Every input applied and committed.
  const std::string group = prefix + "group.operations";
  std::int64_t lag = -1;
  BOOST_TEST_REQUIRE(aetherial::test::wait_for(
                         [&] {
                           if (!all_running()) return false;
                           lag = group_lag(kc, group, cat.name(topics::catalog::metrics));
                           if (lag != 0) std::this_thread::sleep_for(milliseconds(500));
                           return lag == 0;
                         },
                         seconds(300)),
                     "the nodes did not catch up: lag " + std::to_string(lag) + "\n" +
                         aetherial::test::tail_of(log));
  for (auto& n : nodes) {
    std::this_thread::sleep_until(n.started + seconds(3));
    n.process->signal(SIGTERM);
    BOOST_TEST(n.process->wait() == 0, aetherial::test::tail_of(log));
  }
  const double chaos_s = duration<double>(steady_clock::now() - started).count();

  // The reference: the same inputs through one process that nothing disturbs.
  produce_load(kc, reference_cat.name(topics::catalog::metrics), events, 0);
  {
    node reference;
    reference.argv = run_argv(brokers, reference_prefix, dir.path() + "/reference", "reference",
                              "at_least_once");
    reference.start(log);
    const std::string reference_group = reference_prefix + "group.operations";
    BOOST_TEST_REQUIRE(
        aetherial::test::wait_for(
            [&] {
              if (group_lag(kc, reference_group, reference_cat.name(topics::catalog::metrics)) == 0)
                return true;
              std::this_thread::sleep_for(milliseconds(500));
              return false;
            },
            seconds(300)),
        "the reference run did not finish\n" + aetherial::test::tail_of(log));
    reference.process->signal(SIGTERM);
    BOOST_TEST(reference.process->wait() == 0, aetherial::test::tail_of(log));
  }

  const auto seen = committed_decisions(kc, cat.name(topics::catalog::decisions));
  const auto expected = committed_decisions(kc, reference_cat.name(topics::catalog::decisions));
  std::size_t duplicates = 0;
  std::size_t missing = 0;
  std::size_t unexpected = 0;
  for (const auto& [id, n] : seen) {
    if (n > 1) duplicates += static_cast<std::size_t>(n - 1);
    if (expected.count(id) == 0) ++unexpected;
  }
  for (const auto& entry : expected)
    if (seen.count(entry.first) == 0) ++missing;

  auto [code, out] =
      aetherial::test::run_command({AETHERIAL_BIN, "audit", "--brokers", brokers, "--topic-prefix",
                                    prefix, "--agents", "operations"},
                                   log);
  // "audit: N decisions, D divergences ..."
  std::size_t divergences = ~std::size_t{0};
  if (const auto at = out.find(" divergences"); at != std::string::npos) {
    auto begin = out.rfind(' ', at - 1);
    divergences =
        std::strtoull(out.c_str() + (begin == std::string::npos ? 0 : begin + 1), nullptr, 10);
  }
  BOOST_TEST(code == 0, out);

  const std::string line =
      "chaos: nodes=" + std::to_string(nodes.size()) + " kills=" + std::to_string(kills) +
      " events=" + std::to_string(events) + " decisions=" + std::to_string(seen.size()) +
      " duplicates=" + std::to_string(duplicates) + " missing=" + std::to_string(missing) +
      " unexpected=" + std::to_string(unexpected) + " divergences=" + std::to_string(divergences);
  // The nodes' log outlives the test's directory, for a failure's post-mortem.
  const auto kept = std::filesystem::temp_directory_path() / (prefix + "log");
  std::filesystem::copy_file(log, kept, std::filesystem::copy_options::overwrite_existing);
  BOOST_TEST_MESSAGE("the nodes' log: " << kept.string());
  // The one line CI shows, whatever the log level.
  std::printf("%s (%.0f s)\n", line.c_str(), chaos_s);
  std::fflush(stdout);
  BOOST_TEST(expected.size() > 0u, "the load made no decision at all");
  BOOST_TEST(duplicates == 0u);
  BOOST_TEST(missing == 0u);
  BOOST_TEST(unexpected == 0u);
  BOOST_TEST(divergences == 0u, out);
}
