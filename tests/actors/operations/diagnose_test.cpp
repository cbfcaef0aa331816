// Diagnosis tasks: "operations.diagnose_latency" answered from the agent's own state with a
// Reply and a TaskOutcome keyed by the conversation id; other tasks and outcomes ignored; the
// decisions unchanged by tasks; the samples kept in the snapshot.
#include <boost/test/unit_test.hpp>

#include <map>
#include <utility>

#include "actors/kit/task.hpp"
#include "actors/operations/diagnosis.hpp"
#include "actors/operations/state_codec.hpp"
#include "tests/actors/operations/operations_fixture.hpp"

using namespace aetherial::actors::operations::test;

namespace {

/// Builds the inputs of the diagnosis tests with consecutive event ids.
class diag_events : public envelope_builder {
public:
  diag_events() : envelope_builder(0xd1a9) {}

  bytes load(std::int64_t t, const std::string& svc, int replicas, double cpu, double p95_ms,
             double error_rate, double rps = 350.0) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateServiceLoadDirect(b, svc.c_str(), replicas, rps, cpu, p95_ms, error_rate);
    return envelope(b, t, svc, fbs::Payload::ServiceLoad, p.Union(), "svc:metrics");
  }
  bytes incident(std::int64_t t, const std::string& id, const std::string& svc,
                 const std::string& kind) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateHealthIncidentDirect(b, id.c_str(), svc.c_str(), kind.c_str(),
                                             fbs::Severity::critical, "probe");
    return envelope(b, t, svc, fbs::Payload::HealthIncident, p.Union(), "svc:health");
  }
  bytes task(std::int64_t t, const std::string& conversation, const pairs& ps = {},
             const std::string& type = "operations.diagnose_latency",
             const std::string& target = "operations") {
    auto spec = task_spec_of("task-" + conversation, type, target, conversation, "user:dev", ps);
    spec.priority = 7;
    return envelope_builder::task(t, spec, conversation, "agent:orchestrator",
                                  "corr-" + conversation);
  }
  bytes outcome(std::int64_t t, const std::string& conversation) {
    flatbuffers::FlatBufferBuilder b;
    const std::string id = "task-" + conversation;
    auto p = fbs::CreateTaskOutcomeDirect(b, id.c_str(), "operations.diagnose_latency",
                                          "operations", true, "done", conversation.c_str());
    return envelope(b, t, conversation, fbs::Payload::TaskOutcome, p.Union(), "agent:operations",
                    "corr-" + conversation);
  }
};

/// Feeds one envelope to `agent`; returns what it emitted.
std::vector<emitted> feed(tabled_agent& agent, const bytes& value) {
  const auto& env = envelope_of(value);
  context ctx(kind_name, env);
  agent.on_event(env, ctx);
  return ctx.take_outputs();
}

/// web slow and above its CPU target, db healthy, fed to `agent` from t0 on.
void slow_web(tabled_agent& agent, diag_events& ev) {
  for (int i = 0; i < 3; ++i) {
    (void)feed(agent, ev.load(at_s(15 * i), "web", 2, 0.91, 420.0, 0.004));
    (void)feed(agent, ev.load(at_s(15 * i + 1), "db", 3, 0.30, 40.0, 0.0));
  }
}

/// An agent that has seen `slow_web`.
struct with_slow_web {
  tabled_agent agent;
  diag_events ev;
  with_slow_web() { slow_web(agent, ev); }
};

/// The Reply and the TaskOutcome of one answered task.
struct answer {
  /// True if the reply's text holds `part`.
  [[nodiscard]] bool says(const std::string& part) const {
    return text.find(part) != std::string::npos;
  }

  std::vector<emitted> out;
  std::string text; ///< the reply's text
  const fbs::Reply* reply = nullptr;
  const fbs::TaskOutcome* outcome = nullptr;
};

answer ask(tabled_agent& agent, const bytes& task) {
  answer a;
  a.out = feed(agent, task);
  BOOST_TEST_REQUIRE(a.out.size() == 2u);
  BOOST_TEST((a.out[0].to == output::replies));
  BOOST_TEST((a.out[1].to == output::tasks));
  a.reply = envelope_of(a.out[0]).payload_as_Reply();
  a.outcome = envelope_of(a.out[1]).payload_as_TaskOutcome();
  BOOST_TEST_REQUIRE(a.reply != nullptr);
  BOOST_TEST_REQUIRE(a.outcome != nullptr);
  a.text = str(a.reply->text());
  return a;
}

} // namespace

BOOST_AUTO_TEST_SUITE(diagnose)

BOOST_FIXTURE_TEST_CASE(slow_web_with_high_cpu_is_named_with_its_numbers, with_slow_web) {
  const auto a = ask(agent, ev.task(at_s(40), "conv-1", {{"text", "Why is the server slow?"}}));
  BOOST_TEST_MESSAGE(a.text);
  BOOST_TEST(a.says("web is slow: p95 latency 420 ms, CPU 91% of its 60% target on 2 "
                    "replicas, 0.40% errors, 350 rps"),
             a.text);
  // The scale decision made at the first sample (2 -> ceil(2 x 0.91 / 0.6) = 4).
  BOOST_TEST(a.says("scaling to 4 replicas was decided at 00:00:00 UTC"), a.text);
  BOOST_TEST(a.says("Of the 2 services watched, 1 needs attention."), a.text);
  BOOST_TEST(!a.says("db is"), a.text);
  BOOST_TEST(str(a.reply->agent()) == "operations");
  BOOST_TEST(status_text(a.reply->status()) == "answered");
  BOOST_TEST(str(a.reply->intent()) == "operations.diagnose_latency");
  BOOST_TEST(str(a.reply->conversation_id()) == "conv-1");
  BOOST_TEST(a.reply->confidence() == 0.9);
  const auto details = as_map(a.reply->details());
  BOOST_TEST(details.at("service") == "web");
  BOOST_TEST(details.at("latency_p95_ms") == "420.0");
  BOOST_TEST(details.at("cpu_utilization") == "0.910");
  BOOST_TEST(details.at("target_cpu") == "0.600");
  BOOST_TEST(details.at("replicas") == "2");
  BOOST_TEST(details.at("decided_replicas") == "4");
  BOOST_TEST(details.at("services_watched") == "2");
  BOOST_TEST(details.at("services_needing_attention") == "1");
  // Replies go to the conversation, with the task's correlation id.
  BOOST_TEST(a.out[0].key == "conv-1");
  BOOST_TEST(str(envelope_of(a.out[0]).correlation_id()) == "corr-conv-1");
}

BOOST_FIXTURE_TEST_CASE(an_open_incident_is_mentioned_and_cited, with_slow_web) {
  const auto decided = feed(agent, ev.incident(at_s(35), "inc-db", "db", "db_timeout"));
  BOOST_TEST(decided.size() == 1u); // the remediation decision
  const auto a = ask(agent, ev.task(at_s(40), "conv-2"));
  BOOST_TEST_MESSAGE(a.text);
  BOOST_TEST(a.says("web is slow"), a.text);
  BOOST_TEST(a.says("It has an open db_timeout incident (restart_connection_pool in "
                    "progress, attempt 1, opened at 00:00:35 UTC)."),
             a.text);
  BOOST_TEST(a.says("2 need attention"), a.text);
  BOOST_TEST_REQUIRE(a.reply->citations() != nullptr);
  BOOST_TEST_REQUIRE(a.reply->citations()->size() == 1u);
  BOOST_TEST(a.reply->citations()->Get(0)->str() == "inc-db");
}

BOOST_AUTO_TEST_CASE(an_incident_alone_is_reported_without_load_data) {
  tabled_agent agent;
  diag_events ev;
  (void)feed(agent, ev.incident(at_s(0), "inc-db", "db", "db_timeout"));
  const auto a = ask(agent, ev.task(at_s(10), "conv-3"));
  BOOST_TEST(a.says("db has an open db_timeout incident (restart_connection_pool"), a.text);
  BOOST_TEST(a.says("No load samples of db have arrived."), a.text);
  BOOST_TEST(a.outcome->success());
}

BOOST_AUTO_TEST_CASE(no_data_says_so_plainly) {
  tabled_agent agent;
  diag_events ev;
  const auto a = ask(agent, ev.task(at_s(10), "conv-4", {{"text", "Why is the server slow?"}}));
  BOOST_TEST(a.text == "The Operations agent has no load data for any service yet: no "
                       "metrics have arrived, so it cannot say what is slow.");
  // No data yet is an answer, not a failure of the agent: the status says which it is, so the
  // orchestrator counts neither a success nor a failure.
  BOOST_TEST(status_text(a.reply->status()) == "no_data");
  BOOST_TEST(a.reply->confidence() == 0.0);
  BOOST_TEST(!a.outcome->success());
  BOOST_TEST((a.outcome->status() == fbs::ReplyStatus::no_data));
  BOOST_TEST(str(a.outcome->detail()) == a.text);
}

BOOST_FIXTURE_TEST_CASE(other_tasks_and_outcomes_are_ignored, with_slow_web) {
  const auto before = agent.snapshot();
  BOOST_TEST(feed(agent, ev.task(at_s(40), "c-a", {}, "operations.diagnose_latency", "development"))
                 .empty());
  BOOST_TEST(
      feed(agent, ev.task(at_s(40), "c-b", {}, "analytics.active_users", "analytics")).empty());
  BOOST_TEST(feed(agent, ev.task(at_s(40), "c-c", {}, "operations.restart", "operations")).empty());
  BOOST_TEST(feed(agent, ev.outcome(at_s(40), "c-d")).empty());
  // Only the event counter moved.
  auto after = agent.state();
  after.events -= 4;
  BOOST_TEST((encode_state(after) == before));
}

BOOST_FIXTURE_TEST_CASE(task_outcome_is_keyed_by_the_conversation, with_slow_web) {
  const auto a = ask(agent, ev.task(at_s(40), "conv-5"));
  BOOST_TEST(a.out[1].key == "conv-5");
  const auto& env = envelope_of(a.out[1]);
  BOOST_TEST(str(env.key()) == "conv-5");
  BOOST_TEST(str(env.correlation_id()) == "corr-conv-5");
  BOOST_TEST(str(env.principal()) == "agent:operations");
  BOOST_TEST(str(a.outcome->task_id()) == "task-conv-5");
  BOOST_TEST(str(a.outcome->type()) == "operations.diagnose_latency");
  BOOST_TEST(str(a.outcome->agent()) == "operations");
  BOOST_TEST(str(a.outcome->conversation_id()) == "conv-5");
  BOOST_TEST(a.outcome->success());
  BOOST_TEST(str(a.outcome->detail()) == str(a.reply->text()));
  const auto results = as_map(a.outcome->results());
  BOOST_TEST(results.at("service") == "web");
  BOOST_TEST(results.at("latency_p95_ms") == "420.0");
  BOOST_TEST(results.at("error_rate") == "0.0040");
}

BOOST_FIXTURE_TEST_CASE(a_named_service_focuses_the_answer, with_slow_web) {
  const auto a = ask(agent, ev.task(at_s(40), "conv-6", {{"service", "DB"}}));
  BOOST_TEST(a.says("db has a normal load: p95 latency 40 ms, CPU 30% of its 60% "
                    "target on 3 replicas, 0.00% errors"),
             a.text);
  // Only the service asked about: which others share its partition says nothing.
  BOOST_TEST(!a.says("web"), a.text);
  BOOST_TEST(as_map(a.outcome->results()).at("service") == "db");

  const auto b = ask(agent, ev.task(at_s(41), "conv-7", {{"service", "checkout"}}));
  BOOST_TEST(b.says("There is no load data and no incident for checkout, so nothing says why "
                    "it would be slow."),
             b.text);
  BOOST_TEST(!b.says("web"), b.text);
  BOOST_TEST(b.reply->confidence() == 0.0);
  BOOST_TEST(status_text(b.reply->status()) == "no_data");
}

BOOST_AUTO_TEST_CASE(healthy_services_name_the_slowest_and_stale_samples_say_so) {
  tabled_agent agent;
  diag_events ev;
  (void)feed(agent, ev.load(at_s(0), "api", 2, 0.55, 120.0, 0.001));
  (void)feed(agent, ev.load(at_s(1), "db", 2, 0.60, 30.0, 0.0));
  const auto a = ask(agent, ev.task(at_s(20), "conv-8"));
  BOOST_TEST(a.says("None of the 2 services watched is above 300 ms p95 "
                    "latency, 1.0% errors or its CPU target, and none has an open "
                    "incident; the slowest is api: p95 latency 120 ms"),
             a.text);
  const auto b = ask(agent, ev.task(at_s(20 * 60), "conv-9", {{"service", "api"}}));
  BOOST_TEST(b.says("its newest sample is from 00:00:00 UTC, 20 min before "
                    "this question"),
             b.text);
  BOOST_TEST(b.reply->confidence() == 0.4);
}

BOOST_AUTO_TEST_CASE(same_inputs_give_identical_answer_bytes) {
  auto run = [] {
    tabled_agent agent;
    diag_events ev;
    slow_web(agent, ev);
    (void)feed(agent, ev.incident(at_s(35), "inc-db", "db", "db_timeout"));
    std::vector<bytes> out;
    for (const auto& e : feed(agent, ev.task(at_s(40), "conv-d", {{"text", "slow?"}})))
      out.push_back(e.value);
    for (const auto& e : feed(agent, ev.task(at_s(41), "conv-e", {{"service", "web"}})))
      out.push_back(e.value);
    return std::make_pair(out, agent.snapshot());
  };
  const auto first = run();
  const auto second = run();
  BOOST_TEST(first.first.size() == 4u);
  BOOST_TEST((first.first == second.first));
  BOOST_TEST((first.second == second.second));
}

BOOST_AUTO_TEST_CASE(tasks_do_not_change_the_decisions) {
  // The same metrics and incidents with and without tasks between them (at the time of the
  // event before, so that no deadline passes on a task) give the same decision bytes.
  diag_events ev;
  std::vector<bytes> log;
  int web = 2;
  for (int i = 0; i < 40; ++i) {
    const double demand = i >= 5 && i < 20 ? 2.7 : 1.0;
    log.push_back(ev.load(at_s(15 * i), "web", web, demand / web, 100.0 + 100.0 * demand, 0.0));
    if (i == 8) web = 5;
    if (i == 30) web = 2;
    if (i == 10) log.push_back(ev.incident(at_s(15 * i + 1), "inc-1", "db", "db_timeout"));
  }
  auto decisions = [](const std::vector<bytes>& inputs, bool with_tasks) {
    tabled_agent agent;
    diag_events tasks;
    std::vector<bytes> out;
    for (const auto& in : inputs) {
      for (auto& e : feed(agent, in))
        out.push_back(std::move(e.value));
      if (!with_tasks) continue;
      std::string why;
      const auto t =
          aetherial::schemas::verify_envelope(in.data(), in.size(), 1 << 20, &why)->event_time_ms();
      for (auto& e : feed(agent, tasks.task(t, "c-" + std::to_string(out.size())))) {
        BOOST_TEST((e.to != output::decisions));
      }
    }
    return out;
  };
  const auto plain = decisions(log, false);
  BOOST_TEST(plain.size() > 2u);
  BOOST_TEST((plain == decisions(log, true)));
}

BOOST_FIXTURE_TEST_CASE(samples_survive_a_snapshot, with_slow_web) {
  tabled_agent restored;
  BOOST_TEST_REQUIRE(restored.restore_from(agent));
  BOOST_TEST(restored.tables.size(services_table) == 2u);
  BOOST_TEST_REQUIRE(restored.row("web").reading.has_value());
  BOOST_TEST(restored.row("web").reading->latency_p95_ms == 420.0);
  const auto a = ask(agent, ev.task(at_s(40), "conv-r"));
  const auto b = ask(restored, ev.task(at_s(40), "conv-r"));
  BOOST_TEST(str(a.reply->text()) == str(b.reply->text()));
}

BOOST_AUTO_TEST_CASE(invalid_and_older_samples_are_not_kept) {
  tabled_agent agent;
  diag_events ev;
  (void)feed(agent, ev.load(at_s(10), "web", 2, 0.5, 100.0, 0.0));
  (void)feed(agent, ev.load(at_s(5), "web", 2, 0.9, 900.0, 0.0));  // older
  (void)feed(agent, ev.load(at_s(20), "web", 2, 0.9, -1.0, 0.0));  // impossible latency
  (void)feed(agent, ev.load(at_s(21), "web", 0, 0.9, 900.0, 0.0)); // no replicas
  (void)feed(agent, ev.load(at_s(22), "", 2, 0.9, 900.0, 0.0));    // no service
  BOOST_TEST_REQUIRE(agent.tables.size(services_table) == 1u);
  const auto row = agent.row("web");
  BOOST_TEST_REQUIRE(row.reading.has_value());
  const auto& r = *row.reading;
  BOOST_TEST(r.time_ms == at_s(10));
  BOOST_TEST(r.latency_p95_ms == 100.0);
}

BOOST_AUTO_TEST_SUITE_END()
