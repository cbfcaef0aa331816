#define BOOST_TEST_MODULE broadcast
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>

#include "schemas/partitioner.hpp"
#include "tests/runtime/recovery_scenario.hpp"
#include "topics/catalog.hpp"

// A knowledge-base article produced once to platform.reference reaches every partition's
// User Support host through the broadcaster (as a copy on aetherial.broadcast): questions on
// all four partitions are answered from it, with its citation, and the audit replays every
// answer from the journal.

using namespace aetherial;
using namespace std::chrono;

BOOST_AUTO_TEST_CASE(an_article_published_once_answers_questions_on_every_partition) {
  constexpr int partitions = 4;
  test::child_process broker({AETHERIAL_BIN, "broker", "--partitions", std::to_string(partitions)});
  std::string bootstrap;
  BOOST_TEST_REQUIRE(broker.read_line(bootstrap));
  test::temp_dir dir;
  const std::string log = dir.path() + "/run.log";
  const topics::catalog cat("", partitions);
  topics::kafka_config kc;
  kc.brokers = bootstrap;
  test::create_topics(AETHERIAL_BIN, bootstrap, "", partitions, log);
  auto node = std::make_unique<test::child_process>(
      std::vector<std::string>{AETHERIAL_BIN, "run", "--brokers", bootstrap, "--partitions",
                               std::to_string(partitions), "--agents", "support", "--data-dir",
                               dir.path() + "/data", "--metrics-port", "-1"},
      log);
  auto producer = topics::producer::create(kc);
  BOOST_TEST_REQUIRE(producer.has_value());
  auto& prod = *producer.value();
  const std::int64_t t0 = 1'700'000'000'000;
  auto a =
      test::article({0xb0, 1}, t0, "kb-reset", "How to reset your password",
                    "Open Settings, choose Security, then Reset password. A link arrives by mail.");
  BOOST_TEST_REQUIRE(static_cast<bool>(
      prod.send(cat.name(topics::catalog::reference), -1, "kb-reset", a.data(), a.size())));
  BOOST_TEST_REQUIRE(static_cast<bool>(prod.flush(topics::ms{10000})));

  // Conversations until every partition has two.
  std::map<std::int32_t, int> per_partition;
  std::vector<std::string> conversations;
  for (int i = 0; per_partition.size() < partitions || conversations.size() < 2 * partitions; ++i) {
    const std::string conv = "conv-" + std::to_string(i);
    auto& n = per_partition[schemas::key_partition(conv, partitions)];
    if (n >= 2) continue;
    ++n;
    conversations.push_back(conv);
  }
  // After the article's copies: the broadcaster has copied it once the node runs.
  BOOST_TEST_REQUIRE(
      test::wait_for(
          [&] {
            return test::read_all(kc, cat.name(topics::catalog::broadcast), false).size() ==
                   static_cast<std::size_t>(partitions);
          },
          seconds(60)),
      test::tail_of(log));
  std::uint64_t id = 100;
  for (const auto& conv : conversations) {
    auto q = test::question({0xb1, ++id}, t0 + 1000 + static_cast<std::int64_t>(id), conv,
                            "How do I reset my password?");
    BOOST_TEST_REQUIRE(
        static_cast<bool>(prod.send(cat.name("platform.support"), -1, conv, q.data(), q.size())));
  }
  BOOST_TEST_REQUIRE(static_cast<bool>(prod.flush(topics::ms{10000})));

  std::map<std::string, std::string> cited;
  const bool answered = test::wait_for(
      [&] {
        for (const auto& r : test::read_all(kc, cat.name(topics::catalog::replies), false)) {
          const auto* e = test::envelope_of(r);
          const auto* reply = e ? e->payload_as_Reply() : nullptr;
          if (!reply || !reply->conversation_id()) continue;
          if (reply->citations() && reply->citations()->size() > 0)
            cited[reply->conversation_id()->str()] = reply->citations()->Get(0)->str();
        }
        return cited.size() >= conversations.size();
      },
      seconds(120));
  BOOST_TEST(answered, test::tail_of(log));
  for (const auto& conv : conversations)
    BOOST_TEST(cited[conv] == "kb-reset", conv);

  // Each copy names its source record.
  for (const auto& r : test::read_all(kc, cat.name(topics::catalog::broadcast), false)) {
    const auto source = test::header_value(r, "aetherial.broadcast.source");
    BOOST_TEST(source.rfind(cat.name(topics::catalog::reference) + "/", 0) == 0u, source);
  }

  node->signal(SIGTERM);
  BOOST_TEST(node->wait() == 0, test::tail_of(log));
  auto [code, out] = test::run_command(
      {AETHERIAL_BIN, "audit", "--brokers", bootstrap, "--agents", "support"}, log);
  BOOST_TEST(code == 0, out);
  BOOST_TEST(out.find(" 0 divergences") != std::string::npos, out);
}
