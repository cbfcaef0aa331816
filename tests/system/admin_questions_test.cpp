// The seed's admin questions on Apache Kafka, asked of one process and of three: the same
// platform data (activity keyed by user, load keyed by service) produced to two topic sets of
// six partitions each; one `aetherial run` owns every partition of the first, three split the
// second. Questions about the whole platform are asked of every partition and merged
// (actors/kit/gather.hpp), a question about one service goes to its partition: each answer
// must be the same, word for word, whichever processes own the partitions. Requests keyed by
// client IP attack one account from many addresses: Security re-keys their account part by
// account (aetherial.repartition) and catches the attack once in both.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/runtime/child_process.hpp"
#include "tests/runtime/recovery_scenario.hpp"
#include "tests/runtime/runtime_fixture.hpp"
#include "topics/catalog.hpp"
#include "topics/kafka.hpp"

namespace {

using namespace aetherial;
namespace fbs = schemas::fbs;

constexpr int partitions = 6;
constexpr std::int64_t minute = 60'000;
constexpr std::int64_t day = 86'400'000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The platform's events, built once and produced to every topic set unchanged.
struct platform_data {
  struct event {
    std::string topic; ///< logical
    std::string key;
    std::vector<std::uint8_t> value;
  };
  std::vector<event> events;
  std::uint64_t next = 1;

  void add(std::string_view topic, const std::string& key, flatbuffers::FlatBufferBuilder& b,
           fbs::Payload type, flatbuffers::Offset<void> payload, std::int64_t t) {
    schemas::envelope_header h;
    h.id = {0xad41, next++};
    h.key = key;
    h.event_time_ms = t;
    h.principal = "svc:platform";
    events.push_back({std::string(topic), key, schemas::finish_envelope(b, h, type, payload)});
  }
  void activity(const std::string& user, const std::string& kind, const std::string& feature,
                std::int64_t t) {
    flatbuffers::FlatBufferBuilder b;
    auto a = fbs::CreateUserActivityDirect(b, user.c_str(), kind.c_str(), feature.c_str(),
                                           ("s-" + user).c_str(), 0.0, nullptr, nullptr, "main");
    add("platform.activity", user, b, fbs::Payload::UserActivity, a.Union(), t);
  }
  void failed_login(const std::string& ip, const std::string& user, std::int64_t t) {
    flatbuffers::FlatBufferBuilder b;
    auto r = fbs::CreateRequestSummaryDirect(b, ip.c_str(), user.c_str(), "POST", "/login", nullptr,
                                             401, true, false);
    add("platform.requests", ip, b, fbs::Payload::RequestSummary, r.Union(), t);
  }
  void load(const std::string& service, int replicas, double cpu, double p95, double errors,
            std::int64_t t) {
    flatbuffers::FlatBufferBuilder b;
    auto l = fbs::CreateServiceLoadDirect(b, service.c_str(), replicas, 800, cpu, p95, errors);
    add(topics::catalog::metrics, service, b, fbs::Payload::ServiceLoad, l.Union(), t);
  }

  /// Two weeks of cohorts up to yesterday (the recent ones skip the onboarding tour and come
  /// back less), 150 users today, and twelve services of which three need attention.
  explicit platform_data(std::int64_t now) {
    for (int d = 0; d < 14; ++d) {
      const bool recent = d >= 7;
      for (int j = 0; j < 50; ++j) {
        const std::string u = "user-" + std::to_string(1000 + d * 50 + j);
        const std::int64_t t = now - (15 - d) * day + j * 30'000;
        const bool tour = j < (recent ? 5 : 25);
        activity(u, "signup", "", t);
        activity(u, "feature_use", "search", t + 1000);
        if (j % 4 == 0) activity(u, "feature_use", "share", t + 2000);
        if (tour) activity(u, "feature_use", "onboarding_tour", t + 3000);
        if (tour ? j % 10 < 7 : j % 10 < 2) activity(u, "login", "", t + day);
      }
    }
    for (int i = 0; i < 150; ++i) {
      const std::string u = "user-" + std::to_string(1000 + i * 4);
      activity(u, "login", "", now - 20 * minute + i * 2000);
      activity(u, "feature_use", i % 3 ? "search" : "export", now - 15 * minute + i * 2000);
    }
    const std::vector<std::string> healthy = {"auth",  "billing", "cdn",    "checkout", "images",
                                              "queue", "reports", "search", "video"};
    // One account attacked from eight addresses, a minute apart: requests are keyed by IP.
    for (int i = 0; i < 8; ++i)
      failed_login("198.51.100." + std::to_string(20 + i), "victim",
                   now - 10 * minute + i * minute);
    for (int i = 0; i < 4; ++i) {
      const std::int64_t t = now - 2 * minute + i * 15'000;
      load("web", 2, 0.94, 450, 0.002, t);
      load("mail", 3, 0.99, 380, 0.001, t + 100);
      load("db", 4, 0.55, 120, 0.04, t + 200);
      for (std::size_t s = 0; s < healthy.size(); ++s)
        load(healthy[s], 2, 0.30 + 0.02 * static_cast<double>(s), 80 + 5.0 * static_cast<double>(s),
             0.001, t + 300 + static_cast<std::int64_t>(s));
    }
  }
};

/// One topic set and the processes that own its partitions.
struct deployment {
  std::string brokers;
  std::string prefix;
  std::string log;
  std::vector<std::unique_ptr<test::child_process>> nodes;

  deployment(std::string b, std::string p, const std::string& dir, int processes,
             const platform_data& data)
      : brokers(std::move(b)), prefix(std::move(p)), log(dir + "/" + prefix + "log") {
    test::create_topics(AETHERIAL_BIN, brokers, prefix, partitions, log);
    topics::kafka_config kc;
    kc.brokers = brokers;
    const topics::catalog cat(prefix, partitions);
    auto producer = topics::producer::create(kc);
    BOOST_TEST_REQUIRE(producer.has_value());
    for (const auto& e : data.events)
      BOOST_TEST_REQUIRE(producer.value()
                             ->send(cat.name(e.topic), -1, e.key, e.value.data(), e.value.size())
                             .has_value());
    BOOST_TEST_REQUIRE(producer.value()->flush(topics::ms{30000}).has_value());
    for (int i = 0; i < processes; ++i) {
      const std::string name = "node" + std::to_string(i);
      nodes.push_back(std::make_unique<test::child_process>(
          std::vector<std::string>{AETHERIAL_BIN,
                                   "run",
                                   "--brokers",
                                   brokers,
                                   "--topic-prefix",
                                   prefix,
                                   "--partitions",
                                   std::to_string(partitions),
                                   "--group",
                                   prefix + "g",
                                   "--agents",
                                   "orchestrator,analytics,operations,security",
                                   "--data-dir",
                                   dir + "/" + prefix + name,
                                   "--instance-id",
                                   name,
                                   "--metrics-port",
                                   "-1",
                                   "--telemetry-interval-ms",
                                   "0",
                                   "--allow-unsigned"},
          log));
    }
  }

  ~deployment() {
    for (auto& n : nodes)
      n->signal(SIGTERM);
    for (auto& n : nodes)
      n->wait();
  }

  /// Waits until every kind's group has `members` members and no lag.
  void settle(std::size_t members) {
    const std::vector<std::string> argv{
        AETHERIAL_BIN,    "status",
        "--brokers",      brokers,
        "--topic-prefix", prefix,
        "--group",        prefix + "g",
        "--agents",       "orchestrator,analytics,operations,security",
        "--json"};
    std::string last;
    const bool settled = test::wait_for(
        [&] {
          auto [code, out] = test::run_command(argv, log);
          last = out;
          const auto doc = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
          bool ok = code == 0 && doc.is_array() && doc.size() == 4u;
          for (std::size_t i = 0; ok && i < doc.size(); ++i)
            ok = doc[i].value("lag", -1) == 0 && doc[i]["members"].size() == members;
          if (!ok) std::this_thread::sleep_for(std::chrono::milliseconds(500));
          return ok;
        },
        std::chrono::seconds(180));
    BOOST_TEST_REQUIRE(settled, last + test::tail_of(log));
  }

  /// The brute-force incidents about the account `user`: incident id and evidence, each once
  /// (under at_least_once a rebalance may commit a decision twice, with the same id).
  std::set<std::string> brute_force_on(const std::string& user) {
    topics::kafka_config kc;
    kc.brokers = brokers;
    const topics::catalog cat(prefix, partitions);
    std::set<std::string> out;
    for (const auto& r : test::read_all(kc, cat.name(topics::catalog::decisions), true)) {
      std::string why;
      const auto* env =
          schemas::verify_envelope(r.value.data(), r.value.size(), r.value.size(), &why);
      if (env == nullptr) continue;
      const auto* inc = env->payload_as_SecurityIncident();
      if (inc != nullptr && inc->kind() != nullptr && inc->kind()->str() == "brute_force" &&
          inc->subject() != nullptr && inc->subject()->str() == "user:" + user)
        out.insert((inc->incident_id() != nullptr ? inc->incident_id()->str() : std::string()) +
                   ": " + (inc->evidence() != nullptr ? inc->evidence()->str() : std::string()));
    }
    return out;
  }

  /// brute_force_on, once it holds something (the account part goes through one more topic).
  std::set<std::string> brute_force_caught(const std::string& user) {
    std::set<std::string> found;
    (void)test::wait_for(
        [&] {
          found = brute_force_on(user);
          if (found.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(500));
          return !found.empty();
        },
        std::chrono::seconds(60));
    return found;
  }

  /// The answering agent's reply to an admin's question (its "[agent] text  [status]" line).
  std::string ask(const std::string& question, const std::string& agent) {
    auto [code, out] = test::run_command({AETHERIAL_BIN, "ask", "--brokers", brokers,
                                          "--topic-prefix", prefix, question, "--role", "admin",
                                          "--principal", "admin:tester", "--timeout", "60"},
                                         log);
    BOOST_TEST_MESSAGE(prefix << ": " << out);
    BOOST_TEST(code == 0, out + test::tail_of(log));
    std::string found;
    std::size_t start = 0;
    const std::string tag = "[" + agent + "]";
    while (start < out.size()) {
      auto end = out.find('\n', start);
      if (end == std::string::npos) end = out.size();
      const std::string line = out.substr(start, end - start);
      if (line.rfind(tag, 0) == 0) found = line;
      start = end + 1;
    }
    BOOST_TEST(!found.empty(), out);
    return found;
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(admin_questions_are_answered_the_same_by_one_and_by_three_processes) {
  const char* b = std::getenv("AETHERIAL_TEST_KAFKA");
  BOOST_TEST_REQUIRE(b != nullptr, "AETHERIAL_TEST_KAFKA is not set");
  ::setenv("AETHERIAL_ANALYTICS_SALT", "admin-questions-salt-0123456789", 1);
  test::temp_dir dir;
  const platform_data data(now_ms());
  const std::string id = std::to_string(::getpid());
  deployment one(b, "adm1p" + id + ".", dir.path(), 1, data);
  deployment three(b, "adm3p" + id + ".", dir.path(), 3, data);
  one.settle(1);
  three.settle(3);

  const std::vector<std::pair<std::string, std::string>> questions = {
      {"Show me today's active users", "analytics"},
      {"Which features are most popular?", "analytics"},
      {"Why is user retention dropping?", "analytics"},
      {"Why is the server slow?", "operations"},
      {"Why is web slow?", "operations"},
  };
  // The account attacked from eight addresses over six partitions: caught once, at five
  // failures within the window, whichever processes own the partitions (Security re-keys by
  // account). Which failure completes the five depends on the order the copies arrive from the
  // IPs' partitions (fixed in the journal, so replay repeats it), not on the process count.
  for (auto* d : {&one, &three}) {
    const auto caught = d->brute_force_caught("victim");
    BOOST_TEST(caught.size() == 1u, d->prefix);
    for (const auto& c : caught) {
      BOOST_TEST(c.find(": 5 failed logins within ") != std::string::npos, c);
      BOOST_TEST(c.find("within 6 min") == std::string::npos, c);
      BOOST_TEST(c.find("within 7 min") == std::string::npos, c);
    }
  }

  for (const auto& [question, agent] : questions) {
    const auto by_one = one.ask(question, agent);
    const auto by_three = three.ask(question, agent);
    BOOST_TEST(by_three == by_one, question);
    BOOST_TEST(by_one.find("  [answered") != std::string::npos, by_one);
    BOOST_TEST(by_one.find("Partial answer") == std::string::npos, by_one);
  }
}
