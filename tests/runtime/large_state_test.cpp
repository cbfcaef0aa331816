#define BOOST_TEST_MODULE large_state
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <regex>

#include "storage/snapshot.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/runtime/recovery_scenario.hpp"

// An Operations partition holding tens of thousands of services: checkpoints write the rows
// that changed next to a small snapshot; after SIGKILL the node recovers from the local store
// (snapshot + rows at it) and replays only the journal tail, not the log; a node without the
// disk restores the rows from the changelog.
namespace {

using namespace std::chrono;
using namespace aetherial;

constexpr int services = 120'000;
constexpr int partitions = 2;

/// The newest snapshot record per partition on the snapshot topic.
std::map<std::int32_t, storage::snapshot> newest_snapshots(const topics::kafka_config& kc,
                                                           const topics::catalog& cat) {
  std::map<std::int32_t, storage::snapshot> out;
  for (const auto& r : test::read_all(kc, cat.name(topics::catalog::snapshots))) {
    auto s = storage::decode_snapshot(r.value.data(), r.value.size());
    if (!s || s.value().agent != "operations") continue;
    auto& slot = out[s.value().partition];
    if (s.value().journal_seq >= slot.journal_seq) slot = std::move(s.value());
  }
  return out;
}

std::uint64_t applied(const std::map<std::int32_t, storage::snapshot>& snaps) {
  std::uint64_t n = 0;
  for (const auto& [p, s] : snaps)
    n += s.events_applied;
  return n;
}

/// "recovered from <source> (<n> events replayed)" lines of the log written after `from`.
std::vector<std::pair<std::string, std::size_t>> recoveries(const std::string& log,
                                                            std::size_t from) {
  std::ifstream in(log);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::pair<std::string, std::size_t>> out;
  const std::regex line(R"(recovered from (\w+) \((\d+) events replayed\))");
  for (std::sregex_iterator it(
           all.begin() + static_cast<std::ptrdiff_t>(std::min(from, all.size())), all.end(), line),
       end;
       it != end; ++it)
    out.emplace_back((*it)[1].str(), std::stoul((*it)[2].str()));
  return out;
}

/// Rows of the services table of every partition in the store at `path`.
std::size_t service_rows(const std::string& path) {
  auto store = storage::snapshot_store::open(path);
  BOOST_TEST_REQUIRE(store.has_value());
  std::size_t rows = 0;
  for (int p = 0; p < partitions; ++p)
    BOOST_TEST_REQUIRE(store.value()
                           ->table_scan("operations", p, "services", {}, {},
                                        [&](std::string_view, const std::vector<std::uint8_t>&) {
                                          ++rows;
                                          return true;
                                        })
                           .has_value());
  return rows;
}

std::size_t size_of(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::size_t>(n);
}

/// `aetherial run` of `agent` on `partition_count` partitions with its data in `data_dir`,
/// checkpointing every second.
std::vector<std::string> node_argv(const std::string& bootstrap, const std::string& agent,
                                   int partition_count, const std::string& data_dir) {
  return {AETHERIAL_BIN,
          "run",
          "--brokers",
          bootstrap,
          "--agents",
          agent,
          "--partitions",
          std::to_string(partition_count),
          "--data-dir",
          data_dir,
          "--metrics-port",
          "-1",
          "--checkpoint-interval-ms",
          "1000"};
}

/// A word no other article has: "zq" and the index in letters.
std::string token(int i) {
  std::string t = "zq";
  for (int k = 0; k < 3; ++k, i /= 26)
    t += static_cast<char>('a' + i % 26);
  return t;
}

} // namespace

BOOST_AUTO_TEST_CASE(large_state_sigkill_recovers_from_the_local_rows_without_replaying_the_log) {
  test::child_process broker({AETHERIAL_BIN, "broker", "--partitions", std::to_string(partitions)});
  std::string bootstrap;
  BOOST_TEST_REQUIRE(broker.read_line(bootstrap));
  test::temp_dir dir;
  const std::string log = dir.path() + "/run.log";
  const topics::catalog cat("", partitions);
  topics::kafka_config kc;
  kc.brokers = bootstrap;
  test::create_topics(AETHERIAL_BIN, bootstrap, "", partitions, log);
  const auto run_argv = node_argv(bootstrap, "operations", partitions, dir.path() + "/data");

  auto producer = topics::producer::create(kc);
  BOOST_TEST_REQUIRE(producer.has_value());
  auto& prod = *producer.value();
  const std::int64_t t0 = 1'700'000'000'000;
  std::uint64_t id = 1;
  // One sample per service at its CPU target: state for every service, no decision.
  char name[32];
  for (int i = 0; i < services; ++i) {
    std::snprintf(name, sizeof name, "svc-%06d", i);
    auto v = test::service_load({0x1a5e, id++}, t0 + i, name, 2, 0.6, 100);
    BOOST_TEST_REQUIRE(static_cast<bool>(
        prod.send(cat.name(topics::catalog::metrics), -1, name, v.data(), v.size())));
  }
  BOOST_TEST_REQUIRE(static_cast<bool>(prod.flush(topics::ms{60000})));
  auto spike = [&](const std::string& service, std::int64_t at) {
    for (int i = 0; i < 8; ++i) {
      auto v = test::service_load({0x1a5e, id++}, at + i * 30000, service, 2, 0.97, 400);
      BOOST_TEST_REQUIRE(static_cast<bool>(
          prod.send(cat.name(topics::catalog::metrics), -1, service, v.data(), v.size())));
    }
    BOOST_TEST_REQUIRE(static_cast<bool>(prod.flush(topics::ms{10000})));
  };
  auto decided = [&](const std::string& service) {
    for (const auto& r : test::read_all(kc, cat.name(topics::catalog::decisions), false))
      if (auto* e = test::envelope_of(r); e && e->key() && e->key()->str() == service) return true;
    return false;
  };

  auto run1 = std::make_unique<test::child_process>(run_argv, log);
  const auto started = steady_clock::now();
  BOOST_TEST_REQUIRE(test::wait_for(
                         [&] {
                           return applied(newest_snapshots(kc, cat)) >=
                                  static_cast<std::uint64_t>(services);
                         },
                         seconds(240)),
                     "the services were not checkpointed; log:\n"
                         << test::tail_of(log));
  BOOST_TEST_MESSAGE(services << " services applied and checkpointed in "
                              << duration<double>(steady_clock::now() - started).count() << " s");
  // Each snapshot stays small: the services are rows, not snapshot content.
  for (const auto& [p, s] : newest_snapshots(kc, cat)) {
    BOOST_TEST_MESSAGE("partition " << p << ": snapshot state " << s.state.size() << " bytes, "
                                    << s.events_applied << " events applied");
    BOOST_TEST(s.state.size() < 4096u);
  }

  // A decision after the last checkpoint, then the kill.
  spike("hot", t0 + 10'000'000);
  BOOST_TEST_REQUIRE(test::wait_for([&] { return decided("hot"); }, seconds(60)),
                     test::tail_of(log));
  run1->signal(SIGKILL);
  BOOST_TEST(run1->wait() == 128 + SIGKILL);
  run1.reset();

  const auto log_before = size_of(log);
  const auto killed = steady_clock::now();
  auto run2 = std::make_unique<test::child_process>(run_argv, log);
  spike("cold-start", t0 + 20'000'000);
  BOOST_TEST_REQUIRE(test::wait_for([&] { return decided("cold-start"); }, seconds(120)),
                     test::tail_of(log));
  const double restart_ms = duration<double, std::milli>(steady_clock::now() - killed).count();
  BOOST_TEST_MESSAGE("restart -> first new decision: " << restart_ms << " ms");
  // The other partition may still be recovering when the first decision lands.
  BOOST_TEST(test::wait_for(
      [&] { return recoveries(log, log_before).size() >= static_cast<std::size_t>(partitions); },
      seconds(60)));
  const auto rec = recoveries(log, log_before);
  BOOST_TEST_REQUIRE(rec.size() == static_cast<std::size_t>(partitions), test::tail_of(log));
  for (const auto& [source, replayed] : rec) {
    BOOST_TEST_MESSAGE("recovered from " << source << ", " << replayed << " events replayed");
    BOOST_TEST(source == "snapshot");
    // The journal tail since the last checkpoint, never the log.
    BOOST_TEST(replayed < 1000u);
  }
  // The restart may apply "hot" again (if the kill came before its checkpoint), and its
  // partition may come after cold-start's: stopped before, the store would lack its row.
  // Stop only once every input is applied and checkpointed.
  std::int64_t lag = -1;
  BOOST_TEST(
      test::wait_for(
          [&] {
            const auto p = topics::group_progress(
                kc, "aetherial.operations", {cat.name(topics::catalog::metrics)}, topics::ms{5000});
            lag = 0;
            for (const auto& part : p ? p.value() : std::vector<topics::partition_progress>{})
              lag += part.lag();
            if (!p) lag = -1;
            return lag == 0;
          },
          seconds(60)),
      "lag " << lag << "\n"
             << test::tail_of(log));
  run2->signal(SIGTERM);
  BOOST_TEST(run2->wait() == 0, test::tail_of(log));
  run2.reset();

  // The rows on disk: every service, at the newest local snapshot.
  {
    auto store = storage::snapshot_store::open(dir.path() + "/data/snapshots");
    BOOST_TEST_REQUIRE(store.has_value());
    for (int p = 0; p < partitions; ++p) {
      auto snap = store.value()->latest_valid("operations", p);
      BOOST_TEST_REQUIRE((snap.has_value() && snap.value().has_value()));
      auto at = store.value()->tables_at("operations", p);
      BOOST_TEST_REQUIRE((at.has_value() && at.value().has_value()));
      BOOST_TEST(*at.value() == snap.value()->journal_seq);
    }
  }
  BOOST_TEST(service_rows(dir.path() + "/data/snapshots") ==
             static_cast<std::size_t>(services) + 2);

  // The node is lost with its disk: another one, with an empty data directory, restores the
  // rows from the changelog instead of rebuilding the partitions from the log.
  std::vector<std::string> moved_argv = run_argv;
  for (auto& a : moved_argv)
    if (a == dir.path() + "/data") a = dir.path() + "/other-node";
  const auto log_before_move = size_of(log);
  const auto moved_at = steady_clock::now();
  auto run3 = std::make_unique<test::child_process>(moved_argv, log);
  spike("moved", t0 + 30'000'000);
  BOOST_TEST_REQUIRE(test::wait_for([&] { return decided("moved"); }, seconds(120)),
                     test::tail_of(log));
  const double moved_ms = duration<double, std::milli>(steady_clock::now() - moved_at).count();
  BOOST_TEST_MESSAGE("new node -> first new decision: " << moved_ms << " ms");
  BOOST_TEST(test::wait_for(
      [&] {
        return recoveries(log, log_before_move).size() >= static_cast<std::size_t>(partitions);
      },
      seconds(60)));
  const auto moved = recoveries(log, log_before_move);
  BOOST_TEST_REQUIRE(moved.size() == static_cast<std::size_t>(partitions), test::tail_of(log));
  for (const auto& [source, replayed] : moved) {
    BOOST_TEST_MESSAGE("on the new node: recovered from " << source << ", " << replayed
                                                          << " events replayed");
    BOOST_TEST(source == "changelog", test::tail_of(log));
    BOOST_TEST(replayed < 1000u);
  }
  run3->signal(SIGTERM);
  BOOST_TEST(run3->wait() == 0, test::tail_of(log));
  run3.reset();
  BOOST_TEST(service_rows(dir.path() + "/other-node/snapshots") ==
             static_cast<std::size_t>(services) + 3);

  auto [code, out] = test::run_command(
      {AETHERIAL_BIN, "audit", "--brokers", bootstrap, "--agents", "operations"}, log);
  BOOST_TEST(code == 0, out);
  BOOST_TEST(out.find(" 0 divergences") != std::string::npos, out);
  broker.signal(SIGTERM);
  BOOST_TEST(broker.wait() == 0);
}

// A User Support partition whose knowledge base (80 articles of 24 KiB, about 2 MB) is far
// larger than a Kafka record may be (and small enough that the embedded broker, which keeps
// about 5 MiB per partition, holds its changelog whole): every checkpoint still succeeds, because
// the state is kept as `$state` rows of 256 KiB and the snapshot record holds only a marker. After
// SIGKILL the node answers from the restored knowledge base; so does a new node with an empty data
// directory, from the changelog.
BOOST_AUTO_TEST_CASE(large_state_beyond_a_record_spills_into_rows_and_recovers) {
  constexpr int articles = 80;
  test::child_process broker({AETHERIAL_BIN, "broker", "--partitions", "1"});
  std::string bootstrap;
  BOOST_TEST_REQUIRE(broker.read_line(bootstrap));
  test::temp_dir dir;
  const std::string log = dir.path() + "/run.log";
  const topics::catalog cat("", 1);
  topics::kafka_config kc;
  kc.brokers = bootstrap;
  test::create_topics(AETHERIAL_BIN, bootstrap, "", 1, log);
  const auto run_argv = node_argv(bootstrap, "support", 1, dir.path() + "/data");

  auto producer = topics::producer::create(kc);
  BOOST_TEST_REQUIRE(producer.has_value());
  auto& prod = *producer.value();
  const std::int64_t t0 = 1'700'000'000'000;
  std::uint64_t id = 1;
  const std::string filler =
      "lessons modules quizzes certificates uploads profiles settings courses learners ";
  for (int i = 0; i < articles; ++i) {
    const std::string word = token(i);
    std::string body = "The " + word + " gadget explained. ";
    while (body.size() < 24 * 1024)
      body += filler + std::to_string(i) + " ";
    auto v = test::article({0x5b, id++}, t0 + i, "kb-" + std::to_string(i),
                           "The " + word + " gadget", body);
    BOOST_TEST_REQUIRE(static_cast<bool>(prod.send(cat.name("platform.support"), -1,
                                                   "kb-" + std::to_string(i), v.data(), v.size())));
  }
  BOOST_TEST_REQUIRE(static_cast<bool>(prod.flush(topics::ms{60000})));
  const auto newest = [&]() -> std::optional<storage::snapshot> {
    std::optional<storage::snapshot> best;
    for (const auto& r : test::read_all(kc, cat.name(topics::catalog::snapshots))) {
      auto s = storage::decode_snapshot(r.value.data(), r.value.size());
      if (!s || s.value().agent != "support") continue;
      if (!best || s.value().journal_seq >= best->journal_seq) best = std::move(s.value());
    }
    return best;
  };
  // Asks about article `i` and waits for the reply that cites it.
  int asked = 0;
  const auto answered_from_kb = [&](int i) {
    const std::string conv = "conv-" + std::to_string(++asked);
    auto q = test::question({0x5c, id++}, t0 + 1'000'000 + asked, conv,
                            "How does the " + token(i) + " gadget work?");
    BOOST_TEST_REQUIRE(
        static_cast<bool>(prod.send(cat.name("platform.support"), -1, conv, q.data(), q.size())));
    BOOST_TEST_REQUIRE(static_cast<bool>(prod.flush(topics::ms{10000})));
    std::string cited;
    const bool replied = test::wait_for(
        [&] {
          for (const auto& r : test::read_all(kc, cat.name(topics::catalog::replies), false)) {
            const auto* e = test::envelope_of(r);
            const auto* reply = e ? e->payload_as_Reply() : nullptr;
            if (!reply || !reply->conversation_id() || reply->conversation_id()->str() != conv)
              continue;
            if (reply->citations() && reply->citations()->size() > 0)
              cited = reply->citations()->Get(0)->str();
            return true;
          }
          return false;
        },
        seconds(120));
    BOOST_TEST_REQUIRE(replied, "no reply to " << conv << "; log:\n" << test::tail_of(log));
    return cited;
  };

  auto run1 = std::make_unique<test::child_process>(run_argv, log);
  BOOST_TEST_REQUIRE(test::wait_for(
                         [&] {
                           const auto s = newest();
                           return s && s->events_applied >= static_cast<std::uint64_t>(articles);
                         },
                         seconds(180)),
                     "the articles were not checkpointed; log:\n"
                         << test::tail_of(log));
  {
    const auto s = newest();
    BOOST_TEST_MESSAGE("snapshot record state: " << s->state.size() << " bytes");
    // The marker, not the state: four zero bytes, then "ASPL".
    BOOST_TEST_REQUIRE(s->state.size() < 4096u);
    BOOST_TEST((std::string(s->state.begin() + 4, s->state.begin() + 8) == "ASPL"));
  }
  BOOST_TEST(answered_from_kb(17) == "kb-17");
  run1->signal(SIGKILL);
  BOOST_TEST(run1->wait() == 128 + SIGKILL);
  run1.reset();

  const auto log_before = size_of(log);
  auto run2 = std::make_unique<test::child_process>(run_argv, log);
  BOOST_TEST(answered_from_kb(71) == "kb-71");
  const auto rec = recoveries(log, log_before);
  BOOST_TEST_REQUIRE(rec.size() == 1u, test::tail_of(log));
  BOOST_TEST(rec[0].first == "snapshot");
  BOOST_TEST(rec[0].second < static_cast<std::size_t>(articles));
  run2->signal(SIGTERM);
  BOOST_TEST(run2->wait() == 0, test::tail_of(log));
  run2.reset();
  // `snapshot show` puts the state together from its rows.
  {
    auto [code, out] = test::run_command(
        {AETHERIAL_BIN, "snapshot", "--data-dir", dir.path() + "/data", "show", "support", "0"},
        log);
    BOOST_TEST(code == 0, out);
    BOOST_TEST(out.find("kept as $state rows") != std::string::npos, out.substr(0, 2000));
    BOOST_TEST(out.find(token(79) + " gadget") != std::string::npos, out.substr(0, 2000));
  }

  // A node without the disk restores the chunks from the changelog.
  std::vector<std::string> moved_argv = run_argv;
  for (auto& a : moved_argv)
    if (a == dir.path() + "/data") a = dir.path() + "/other-node";
  const auto log_before_move = size_of(log);
  auto run3 = std::make_unique<test::child_process>(moved_argv, log);
  BOOST_TEST(answered_from_kb(63) == "kb-63");
  const auto moved = recoveries(log, log_before_move);
  BOOST_TEST_REQUIRE(moved.size() == 1u, test::tail_of(log));
  BOOST_TEST(moved[0].first == "changelog", test::tail_of(log));
  BOOST_TEST(moved[0].second < static_cast<std::size_t>(articles));
  run3->signal(SIGTERM);
  BOOST_TEST(run3->wait() == 0, test::tail_of(log));
  run3.reset();
  broker.signal(SIGTERM);
  BOOST_TEST(broker.wait() == 0);
}
