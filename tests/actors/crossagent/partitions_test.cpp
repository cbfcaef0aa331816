// Questions that span partitions (actors/kit/gather.hpp): the same platform day on one
// partition and on four, activity keyed by user, load keyed by service. An admin's questions
// about the whole platform are asked of every partition and merged, so they get the same
// answers as from one partition holding everything; a question about one service goes to that
// service's partition only; a partition that does not answer in time is named.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "actors/kit/gather.hpp"
#include "tests/actors/crossagent/bus.hpp"

using namespace aetherial::actors;
using namespace aetherial::actors::crossagent;

namespace {

constexpr std::int64_t t0 = 1'796'040'000'000; // 2026-11-30 12:00:00 UTC
constexpr std::int64_t minute = 60'000;
constexpr std::int64_t day = 86'400'000;

using aetherial::actors::test::str;

struct answer {
  std::string agent;
  std::string status;
  std::string text;
  std::vector<std::pair<std::string, std::string>> details;
};

/// The platform on `partitions` partitions.
struct platform {
  explicit platform(std::int32_t n)
      : partitions(n), b({{"analytics.salt", "partitions-test-salt-0123456789"}}, n) {}

  std::int32_t partitions;
  bus b;
  int commands = 0;
  std::int64_t now = t0;

  void activity(const std::string& user, const std::string& kind, const std::string& feature,
                std::int64_t t) {
    flatbuffers::FlatBufferBuilder fb;
    auto a = fbs::CreateUserActivityDirect(fb, user.c_str(), kind.c_str(), feature.c_str(),
                                           ("s-" + user).c_str(), 0.0, nullptr, nullptr, "main");
    // Keyed by user, as producers usually do: the tenant is named in the event.
    b.publish("platform.activity", user, fb, fbs::Payload::UserActivity, a.Union(), t);
  }
  void load(const std::string& service, int replicas, double cpu, double p95, double errors,
            std::int64_t t) {
    flatbuffers::FlatBufferBuilder fb;
    auto l = fbs::CreateServiceLoadDirect(fb, service.c_str(), replicas, 800, cpu, p95, errors);
    b.publish("platform.metrics", service, fb, fbs::Payload::ServiceLoad, l.Union(), t);
  }

  /// 14 daily cohorts of 60 new users up to yesterday: in the first 7, half take the tour on
  /// their first day, in the last 7 a tenth; tour takers come back the next day far more
  /// often. Everyone searches; some share and export. Today, 120 of them are back.
  void seed_activity() {
    for (int d = 0; d < 14; ++d) {
      const bool recent = d >= 7;
      for (int j = 0; j < 60; ++j) {
        const std::string u = "user-" + std::to_string(1000 + d * 60 + j);
        const std::int64_t t = t0 - (15 - d) * day + j * 30'000;
        const bool tour = j < (recent ? 6 : 30);
        activity(u, "signup", "", t);
        activity(u, "feature_use", "search", t + 1000);
        if (j % 4 == 0) activity(u, "feature_use", "share", t + 2000);
        if (j % 7 == 0) activity(u, "feature_use", "export", t + 2500);
        if (tour) activity(u, "feature_use", "onboarding_tour", t + 3000);
        const bool back = tour ? j % 10 < 7 : j % 10 < 2;
        if (back) activity(u, "login", "", t + day);
      }
    }
    for (int i = 0; i < 120; ++i) {
      const std::string u = "user-" + std::to_string(1000 + i * 7);
      activity(u, "login", "", t0 - 3 * 60 * minute + i * 20'000);
      activity(u, "feature_use", i % 3 ? "search" : "share", t0 - 2 * 60 * minute + i * 20'000);
    }
  }

  /// Twelve services; web and mail short of CPU, db failing requests, the rest healthy.
  void seed_load() {
    const std::vector<std::string> healthy = {"auth",  "billing", "cdn",    "checkout", "images",
                                              "queue", "reports", "search", "video"};
    for (int i = 0; i < 4; ++i) {
      const std::int64_t t = t0 - 2 * minute + i * 15'000;
      load("web", 2, 0.93 + 0.02 * (i % 2), 450, 0.002, t);
      load("mail", 3, 0.99, 380, 0.001, t + 100);
      load("db", 4, 0.55, 120, 0.04, t + 200);
      for (std::size_t s = 0; s < healthy.size(); ++s)
        load(healthy[s], 2, 0.30 + 0.02 * static_cast<double>(s), 80 + 5.0 * static_cast<double>(s),
             0.001, t + 300 + static_cast<std::int64_t>(s));
    }
  }

  /// Sends a command as an admin; returns every reply it caused, in order.
  std::vector<answer> ask(const std::string& text, const std::string& conversation) {
    const std::size_t from = b.log().size();
    ++commands;
    now = t0 + commands * 1000;
    flatbuffers::FlatBufferBuilder fb;
    auto c = fbs::CreateCommandDirect(fb, "admin", text.c_str(), conversation.c_str());
    b.publish("aetherial.commands", conversation, fb, fbs::Payload::Command, c.Union(), now,
              "admin:tester", "q-" + std::to_string(commands));
    return replies_since(from);
  }

  /// Something else happens on every partition a minute later (load of each service again).
  std::vector<answer> a_minute_later() {
    const std::size_t from = b.log().size();
    now += minute;
    // A service of its own on each partition, so that every partition sees the time pass.
    for (std::int32_t p = 0; p < partitions; ++p) {
      const std::string s = kit::partition_key(p, partitions);
      load(s, 2, 0.4, 100, 0.001, now);
    }
    return replies_since(from);
  }

  std::vector<answer> replies_since(std::size_t from) const {
    std::vector<answer> out;
    for (std::size_t i = from; i < b.log().size(); ++i) {
      const auto& r = b.log()[i];
      if (r.topic != "aetherial.replies") continue;
      const auto* reply = r.envelope().payload_as_Reply();
      BOOST_REQUIRE(reply != nullptr);
      answer a{str(reply->agent()), test::status_text(reply->status()), str(reply->text()), {}};
      if (const auto* ds = reply->details())
        for (const auto* kv : *ds)
          a.details.emplace_back(str(kv->key()), str(kv->value()));
      BOOST_TEST_MESSAGE("[" << a.agent << "] " << a.text << "  [" << a.status << "]");
      out.push_back(std::move(a));
    }
    return out;
  }
};

/// The last reply of `agent` (the test stops if there is none).
answer last_of(const std::vector<answer>& rs, const std::string& agent) {
  for (auto it = rs.rbegin(); it != rs.rend(); ++it)
    if (it->agent == agent) return *it;
  BOOST_FAIL("no reply from " + agent);
  throw 0;
}

std::string detail(const answer& a, const std::string& key) {
  for (const auto& [k, v] : a.details)
    if (k == key) return v;
  return {};
}

/// The answer's text without its peak concurrency, the one figure that may differ: a peak is
/// counted per partition, and the largest of them is a lower bound of the whole.
std::string without_peak(std::string text) {
  const auto at = text.find("; peak ");
  if (at == std::string::npos) return text;
  const auto end = text.find('.', at);
  return text.erase(at, end - at);
}

const std::vector<std::pair<std::string, std::string>> admin_questions = {
    {"Show me today's active users", "analytics"},
    {"Which features are most popular?", "analytics"},
    {"Why is user retention dropping?", "analytics"},
    {"Why is the server slow?", "operations"},
    {"Why is web slow?", "operations"},
};

} // namespace

BOOST_AUTO_TEST_SUITE(partitions)

BOOST_AUTO_TEST_CASE(admin_questions_get_the_same_answers_on_one_and_on_four_partitions) {
  platform one(1);
  platform four(4);
  for (auto* p : {&one, &four}) {
    p->seed_activity();
    p->seed_load();
  }
  int n = 0;
  for (const auto& [question, agent] : admin_questions) {
    const std::string conversation = "c-admin-" + std::to_string(++n);
    BOOST_TEST_MESSAGE("one partition: " << question);
    const auto a1 = one.ask(question, conversation);
    BOOST_TEST_MESSAGE("four partitions: " << question);
    const auto a4 = four.ask(question, conversation);
    const auto r1 = last_of(a1, agent);
    const auto r4 = last_of(a4, agent);
    BOOST_TEST(r1.status == "answered", question);
    BOOST_TEST(r4.status == r1.status, question);
    BOOST_TEST(without_peak(r4.text) == without_peak(r1.text), question);
    // The Orchestrator's final answer carries the agent's, likewise.
    BOOST_TEST(without_peak(last_of(a4, "orchestrator").text) ==
                   without_peak(last_of(a1, "orchestrator").text),
               question);
    const bool spans = question != "Why is web slow?";
    BOOST_TEST(detail(r4, "partitions") == (spans ? "4" : ""), question);
    BOOST_TEST(detail(r4, "partitions_answered") == (spans ? "4" : ""), question);
    BOOST_TEST(detail(r1, "partitions").empty(), question);
  }
}

BOOST_AUTO_TEST_CASE(the_answers_say_what_the_data_says) {
  platform four(4);
  four.seed_activity();
  four.seed_load();
  const auto users = last_of(four.ask("Show me today's active users", "c-u"), "analytics");
  // 120 users today: a HyperLogLog estimate, the same from four partitions as from one.
  const int dau = std::stoi(detail(users, "dau"));
  BOOST_TEST(std::abs(dau - 120) <= 3, users.text);
  // Sessions are counted per partition: the busiest one's peak is a lower bound.
  BOOST_TEST(users.text.find("; peak at least ") != std::string::npos, users.text);
  const auto popular = last_of(four.ask("Which features are most popular?", "c-f"), "analytics");
  BOOST_TEST(popular.text.find("Most popular features over the last 7 days: search") == 0,
             popular.text);
  const auto retention = last_of(four.ask("Why is user retention dropping?", "c-r"), "analytics");
  BOOST_TEST(retention.text.find("Day-1 retention is dropping") == 0, retention.text);
  BOOST_TEST(retention.text.find("onboarding_tour") != std::string::npos, retention.text);
  const auto slow = last_of(four.ask("Why is the server slow?", "c-s"), "operations");
  // Worst first, from every partition: the three services away from healthy, all twelve seen.
  BOOST_TEST(slow.text.find("Of the 12 services watched, 3 need attention.") != std::string::npos,
             slow.text);
  BOOST_TEST(detail(slow, "services_watched") == "12");
  const auto web = last_of(four.ask("Why is web slow?", "c-w"), "operations");
  BOOST_TEST(web.text.rfind("web is slow", 0) == 0, web.text);
  BOOST_TEST(web.text.find("mail") == std::string::npos, web.text);
}

BOOST_AUTO_TEST_CASE(a_partition_that_does_not_answer_in_time_is_named) {
  platform four(4);
  four.seed_activity();
  four.seed_load();
  // The Operations partition that will gather: the one of the conversation key's task.
  const std::string conversation = "c-late";
  const std::int32_t gathering = aetherial::schemas::key_partition(conversation, 4);
  const std::int32_t late = (gathering + 1) % 4;
  four.b.hold(late);
  const auto asked = four.ask("Why is the server slow?", conversation);
  for (const auto& a : asked)
    BOOST_TEST(a.agent != "operations", "no answer before the deadline: " << a.text);
  // Inputs past the deadline (10 s of event time) end the wait.
  const auto later = four.a_minute_later();
  const auto slow = last_of(later, "operations");
  BOOST_TEST(slow.status == "answered");
  BOOST_TEST(slow.text.find("Partial answer: 3 of 4 partitions answered within 10 s; partition " +
                            std::to_string(late) + " did not.") != std::string::npos,
             slow.text);
  BOOST_TEST(detail(slow, "partitions_answered") == "3");
  BOOST_TEST(detail(slow, "partitions_missing") == std::to_string(late));
  BOOST_TEST(last_of(later, "orchestrator").status == "answered");
  // The late part, when it comes, finds the question answered: nothing more is said.
  const std::size_t before = four.b.log().size();
  four.b.release();
  for (const auto& a : four.replies_since(before))
    BOOST_TEST(a.text.find("Why is the server slow") == std::string::npos);
  const auto again = four.replies_since(before);
  BOOST_TEST(std::count_if(again.begin(), again.end(),
                           [](const answer& a) { return a.agent == "operations"; }) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// Failed logins against one account from `ips` addresses, a minute apart, on `partitions`
/// partitions; the brute-force incidents about the account, and after which attempt each came.
std::vector<int> account_attack(std::int32_t partitions, int ips) {
  bus b({{"analytics.salt", "partitions-test-salt-0123456789"}}, partitions);
  std::vector<int> raised_after;
  for (int i = 0; i < ips; ++i) {
    const std::string ip = "203.0.113." + std::to_string(10 + i);
    const std::size_t from = b.log().size();
    flatbuffers::FlatBufferBuilder fb;
    auto r = fbs::CreateRequestSummaryDirect(fb, ip.c_str(), "victim", "POST", "/login", nullptr,
                                             401, true, false);
    // Keyed by client IP, as the platform reports requests: each lands on its IP's partition.
    b.publish("platform.requests", ip, fb, fbs::Payload::RequestSummary, r.Union(),
              t0 + i * minute);
    for (std::size_t j = from; j < b.log().size(); ++j) {
      const auto& rec = b.log()[j];
      if (rec.topic != "aetherial.decisions") continue;
      const auto* inc = rec.envelope().payload_as_SecurityIncident();
      if (inc != nullptr && str(inc->kind()) == "brute_force" &&
          str(inc->subject()) == "user:victim")
        raised_after.push_back(i + 1);
    }
  }
  return raised_after;
}

} // namespace

BOOST_AUTO_TEST_SUITE(repartition)

// Security reads requests keyed by client IP; the account part of each is re-keyed through
// aetherial.repartition to the account's partition, so an attack on one account from many
// addresses is counted whole, as on one partition: the fifth failure within five minutes.
BOOST_AUTO_TEST_CASE(an_account_attacked_from_many_addresses_is_caught_on_any_partition_count) {
  const auto one = account_attack(1, 8);
  const auto four = account_attack(4, 8);
  BOOST_TEST_REQUIRE(one.size() == 1u);
  BOOST_TEST(one.front() == 5);
  BOOST_TEST(four == one);
}

BOOST_AUTO_TEST_SUITE_END()
