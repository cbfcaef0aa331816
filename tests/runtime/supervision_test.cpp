// Supervision, deterministically: the supervisor <-> host protocol stepped by CAF's test
// scheduler (simulated time, no threads, no broker), with a probe in the coordinator's place;
// and the restart and retry decisions as plain code.
#include <cstring>
#include <stdexcept>

#include <boost/test/unit_test.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/send.hpp>

#include "runtime/supervisor.hpp"
#include "tests/runtime/runtime_unit_fixture.hpp"
#include "topics/catalog.hpp"

namespace aetherial::runtime {
namespace {

using namespace std::chrono_literals;
using test::make_record;
namespace fbs = schemas::fbs;

/// Counts the events it sees and emits one decision per event; throws on key "poison".
class counting_agent final : public actors::agent {
public:
  void on_event(const fbs::Envelope& e, actors::context& ctx) override {
    const std::string key = e.key() ? e.key()->str() : "";
    if (key == "poison") throw std::runtime_error("poisoned input");
    ++seen_;
    auto& b = ctx.builder();
    auto d = fbs::CreateHealthIncidentDirect(b, "seen", key.c_str(), "seen", fbs::Severity::info,
                                             std::to_string(seen_).c_str());
    ctx.emit(actors::output::decisions, key, fbs::Payload::HealthIncident, d.Union());
  }
  [[nodiscard]] actors::bytes snapshot() const override {
    actors::bytes b(sizeof seen_);
    std::memcpy(b.data(), &seen_, sizeof seen_);
    return b;
  }
  [[nodiscard]] bool restore(const std::uint8_t* data, std::size_t size) override {
    if (size != sizeof seen_) return false;
    std::memcpy(&seen_, data, sizeof seen_);
    return true;
  }

private:
  std::uint64_t seen_ = 0;
};

std::unique_ptr<actors::agent> make_counting(const actors::agent_settings&) {
  return std::make_unique<counting_agent>();
}

/// What the supervisor and hosts told the coordinator, in order.
struct probe_log {
  std::vector<std::string> events;
  caf::actor host;
  std::size_t acked = 0;
};

caf::behavior probe(caf::event_based_actor*, probe_log* log) {
  return {
      [=](host_up_atom, std::int32_t p, caf::actor h) {
        log->events.push_back("up " + std::to_string(p));
        log->host = std::move(h);
      },
      [=](host_down_atom, std::int32_t p, const std::string&) {
        log->events.push_back("down " + std::to_string(p));
      },
      [=](ack_atom, const host_ack& a) { log->acked += a.count; },
      [=](skip_atom, std::int32_t p, const std::string& topic, std::int64_t offset) {
        log->events.push_back("skip " + std::to_string(p) + " " + topic + "@" +
                              std::to_string(offset));
      },
      [=](quarantine_atom, std::int32_t p, const std::string&) {
        log->events.push_back("quarantine " + std::to_string(p));
      },
  };
}

caf::actor_system_config& testing_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.inline-output", true);
  return cfg;
}

/// A supervisor of the counting kind with a probe as its coordinator.
struct supervision_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{testing_config(cfg)};
  caf::scheduler::test_coordinator& sched{
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())};
  metrics m;
  test::recording_sink sink;
  topics::catalog cat;
  actors::agent_kind kind;
  actors::agent_settings settings;
  probe_log log;
  caf::actor coordinator;
  caf::actor supervisor;

  supervision_fixture() {
    kind.name = "counting";
    kind.input_topics = {"in.a"};
    kind.make = &make_counting;
  }
  ~supervision_fixture() {
    if (supervisor) caf::anon_send(supervisor, stop_atom::value);
    if (coordinator) caf::anon_send_exit(coordinator, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(restart_policy policy, int retry_limit) {
    supervisor_env env;
    env.host.kind = &kind;
    env.host.sink = &sink;
    env.host.catalog = &cat;
    env.host.metrics = &m;
    env.host.limits.max_event_bytes = 1 << 20;
    env.host.settings = &settings;
    env.policy = policy;
    env.retry_limit = retry_limit;
    env.instance_id = "test-node";
    coordinator = sys.spawn(probe, &log);
    supervisor = sys.spawn(supervisor_actor, env, coordinator);
    caf::anon_send(supervisor, start_atom::value, std::int32_t{0});
    sched.run();
  }

  /// Sends the current host a recover message: `keys` as records of in.a from offset 0.
  void recover(const std::vector<std::string>& keys, std::size_t suppress) {
    recover_host msg;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      msg.tail.push_back(std::make_shared<input_record>(
          make_record("in.a", 0, static_cast<std::int64_t>(i), keys[i]), 0));
    }
    msg.suppress = suppress;
    caf::anon_send(log.host, recover_atom::value, std::move(msg));
    sched.run();
  }

  [[nodiscard]] std::size_t decisions() const { return sink.count("aetherial.decisions"); }
};

BOOST_AUTO_TEST_SUITE(supervision_suite)

BOOST_AUTO_TEST_CASE(backoff_doubles_up_to_its_cap_and_failures_leave_the_window) {
  restart_policy policy{100ms, 350ms, 10, 60s};
  restart_tracker t(policy);
  const auto t0 = restart_tracker::time_point{} + 1h;
  BOOST_TEST(t.on_failure(t0).backoff.count() == 100);
  BOOST_TEST(t.on_failure(t0 + 1s).backoff.count() == 200);
  BOOST_TEST(t.on_failure(t0 + 2s).backoff.count() == 350);
  BOOST_TEST(t.on_failure(t0 + 3s).backoff.count() == 350);
  // A minute later the old failures no longer count.
  const auto v = t.on_failure(t0 + 3s + 61s);
  BOOST_TEST(v.recent_failures == 1u);
  BOOST_TEST(v.backoff.count() == 100);
}

BOOST_AUTO_TEST_CASE(enough_failures_within_the_window_quarantine) {
  restart_tracker t(restart_policy{100ms, 10s, 3, 60s});
  const auto t0 = restart_tracker::time_point{} + 1h;
  BOOST_TEST(!t.on_failure(t0).quarantine);
  BOOST_TEST(!t.on_failure(t0 + 10s).quarantine);
  BOOST_TEST(t.on_failure(t0 + 20s).quarantine);
}

BOOST_AUTO_TEST_CASE(a_record_is_given_up_after_the_retry_limit) {
  retry_counter r(3);
  BOOST_TEST(!r.give_up(1, "in.a", 7));
  BOOST_TEST(!r.give_up(1, "in.a", 7));
  BOOST_TEST(!r.give_up(2, "in.a", 7)); // another partition counts apart
  BOOST_TEST(r.attempts(1, "in.a", 7) == 2);
  BOOST_TEST(r.give_up(1, "in.a", 7));
  BOOST_TEST(r.attempts(1, "in.a", 7) == 0);
  r.forget(2);
  BOOST_TEST(r.attempts(2, "in.a", 7) == 0);
}

BOOST_FIXTURE_TEST_CASE(recovery_applies_the_tail_and_emits_only_past_the_suppressed_part,
                        supervision_fixture) {
  start(restart_policy{}, 3);
  BOOST_TEST(log.events == (std::vector<std::string>{"up 0"}), boost::test_tools::per_element());
  recover({"a", "b", "c"}, 2);
  BOOST_TEST(decisions() == 1u); // "a" and "b" were applied without emitting
  BOOST_TEST(log.acked == 1u);
  process_batch more;
  more.records.push_back(std::make_shared<input_record>(make_record("in.a", 0, 3, "d"), 0));
  caf::anon_send(log.host, process_atom::value, std::move(more));
  sched.run();
  BOOST_TEST(decisions() == 2u);
  BOOST_TEST(log.acked == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_poison_record_is_retried_with_backoff_then_dead_lettered,
                        supervision_fixture) {
  start(restart_policy{100ms, 10s, 5, 60s}, 2);
  recover({"a", "poison", "c"}, 0);
  BOOST_TEST(decisions() == 1u);
  BOOST_TEST(log.events == (std::vector<std::string>{"up 0", "down 0"}),
             boost::test_tools::per_element());
  BOOST_TEST(sink.count("aetherial.dlq") == 0u); // first attempt: retried
  sched.advance_time(99ms);
  sched.run();
  BOOST_TEST(log.events.size() == 2u); // the backoff has not run out
  sched.advance_time(1ms);
  sched.run();
  BOOST_TEST(log.events.back() == "up 0");
  // The coordinator re-sends the tail; "a" was acknowledged, so it is not emitted again.
  recover({"a", "poison", "c"}, 1);
  BOOST_TEST(decisions() == 1u);
  BOOST_TEST_REQUIRE(sink.count("aetherial.dlq") == 1u);
  const auto& dl = sink.records.back();
  BOOST_TEST(dl.reason.find("failed 2 times") != std::string::npos);
  BOOST_TEST(dl.reason.find("poisoned input") != std::string::npos);
  BOOST_TEST(log.events[3] == "skip 0 in.a@1");
  BOOST_TEST(log.events[4] == "down 0");
  // The second failure doubles the backoff.
  sched.advance_time(199ms);
  sched.run();
  BOOST_TEST(log.events.size() == 5u);
  sched.advance_time(1ms);
  sched.run();
  BOOST_TEST(log.events.back() == "up 0");
  recover({"a", "c"}, 1); // the tail without the skipped record
  BOOST_TEST(decisions() == 2u);
  BOOST_TEST(m.restarts("counting").Value() == 2.0);
  BOOST_TEST(m.dead_letters("counting", "agent_error").Value() == 1.0);
}

BOOST_FIXTURE_TEST_CASE(a_partition_that_keeps_failing_is_quarantined_with_an_incident,
                        supervision_fixture) {
  start(restart_policy{100ms, 10s, 3, 60s}, 100);
  for (int i = 0; i < 3; ++i) {
    caf::anon_send(supervisor, crash_atom::value, std::int32_t{0});
    sched.run();
    sched.advance_time(10s);
    sched.run();
  }
  const std::vector<std::string> expected{"up 0", "down 0", "up 0",        "down 0",
                                          "up 0", "down 0", "quarantine 0"};
  BOOST_TEST(log.events == expected, boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(sink.count("platform.health") == 1u);
  const auto& rec = sink.records.back();
  const auto* env = schemas::verify_envelope(rec.value.data(), rec.value.size(), 1 << 20, nullptr);
  BOOST_TEST_REQUIRE(env != nullptr);
  const auto* inc = env->payload_as_HealthIncident();
  BOOST_TEST_REQUIRE(inc != nullptr);
  BOOST_TEST(inc->kind()->str() == "agent_quarantined");
  BOOST_TEST(rec.key == "aetherial/counting");
  BOOST_TEST(m.quarantined("counting").Value() == 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
} // namespace aetherial::runtime
