// Self-healing: runbook choice, verification, timeouts, retries, escalation, learning.
#include <boost/test/unit_test.hpp>

#include "tests/actors/operations/operations_fixture.hpp"

using namespace aetherial::actors::operations::test;

BOOST_AUTO_TEST_SUITE(self_healing)

BOOST_AUTO_TEST_CASE(db_timeout_restarts_the_pool_and_a_healthy_check_verifies_it) {
  harness h;
  events ev;
  const auto& out = h.feed(ev.incident(at_s(0), "inc-1", "db", "db_timeout"));
  const auto r = payloads<fbs::RemediationDecision>(out);
  BOOST_TEST_REQUIRE(r.size() == 1u);
  BOOST_TEST(out[0].key == "db");
  BOOST_TEST(envelope_of(out[0]).correlation_id()->str() == "inc-1");
  BOOST_TEST(str(r[0]->action()) == "restart_connection_pool");
  BOOST_TEST(str(r[0]->runbook()) == "database-timeout");
  BOOST_TEST(r[0]->attempt() == 1);
  BOOST_TEST(r[0]->verify_deadline_ms() == at_s(120));
  BOOST_TEST(r[0]->runbook_success_rate() == 0.5);
  BOOST_TEST(str(r[0]->reason()).find("failover_read_replica") != std::string::npos);

  const auto v = payloads<fbs::VerificationDecision>(h.feed(ev.check(at_s(30), "db", true)));
  BOOST_TEST_REQUIRE(v.size() == 1u);
  BOOST_TEST(v[0]->success());
  BOOST_TEST(str(v[0]->incident_id()) == "inc-1");
  // Nothing more happens once verified, whatever the time.
  BOOST_TEST(h.feed(ev.check(at_s(400), "db", true)).empty());
  BOOST_TEST(learned_success_rate(h.agent.state().healing, "database-timeout",
                                  "restart_connection_pool") == 2.0 / 3.0);
}

BOOST_AUTO_TEST_CASE(successful_outcome_verifies_and_unhealthy_check_does_not_fail) {
  harness h;
  events ev;
  (void)h.feed(ev.incident(at_s(0), "inc-1", "web", "disk_full"));
  BOOST_TEST(h.feed(ev.check(at_s(10), "web", false)).empty());
  const auto v = payloads<fbs::VerificationDecision>(
      h.feed(ev.outcome(at_s(20), "inc-1", "web", "rotate_logs", true)));
  BOOST_TEST_REQUIRE(v.size() == 1u);
  BOOST_TEST(v[0]->success());
}

BOOST_AUTO_TEST_CASE(deadline_passing_on_any_later_event_fails_and_retries_the_alternative) {
  harness h;
  events ev;
  (void)h.feed(ev.incident(at_s(0), "inc-1", "db", "db_timeout"));
  // Exactly at the deadline is still in time; nothing is decided by an unrelated sample.
  BOOST_TEST(
      payloads<fbs::VerificationDecision>(h.feed(ev.load(at_s(120), "web", 2, 0.6))).empty());
  const auto& out = h.feed(ev.load(at_s(121), "web", 2, 0.6));
  const auto v = payloads<fbs::VerificationDecision>(out);
  BOOST_TEST_REQUIRE(v.size() == 1u);
  BOOST_TEST(!v[0]->success());
  BOOST_TEST(str(v[0]->reason()).find("deadline") != std::string::npos);
  const auto r = payloads<fbs::RemediationDecision>(out);
  BOOST_TEST_REQUIRE(r.size() == 1u);
  BOOST_TEST(str(r[0]->action()) == "failover_read_replica");
  BOOST_TEST(r[0]->attempt() == 2);
  BOOST_TEST(r[0]->verify_deadline_ms() == at_s(121 + 120));
  // Decisions about db are keyed by db even when a web sample revealed the timeout.
  for (const auto& e : out)
    BOOST_TEST(e.key == "db");
}

BOOST_AUTO_TEST_CASE(an_outcome_after_the_deadline_is_a_timeout) {
  harness h;
  events ev;
  (void)h.feed(ev.incident(at_s(0), "inc-1", "db", "db_timeout"));
  const auto& out = h.feed(ev.outcome(at_s(200), "inc-1", "db", "restart_connection_pool", true));
  const auto v = payloads<fbs::VerificationDecision>(out);
  BOOST_TEST_REQUIRE(v.size() == 1u);
  BOOST_TEST(!v[0]->success());
  // The late outcome named the old action; the retry's action is not verified by it.
  BOOST_TEST(payloads<fbs::RemediationDecision>(out).size() == 1u);
}

BOOST_AUTO_TEST_CASE(escalates_to_admin_after_three_failures) {
  harness h;
  events ev;
  auto out = h.feed(ev.incident(at_s(0), "inc-9", "payments", "http_5xx_burst"));
  std::vector<std::string> actions;
  std::vector<const fbs::EscalationDecision*> esc;
  for (int i = 0; i < 3; ++i) {
    const auto r = payloads<fbs::RemediationDecision>(out);
    BOOST_TEST_REQUIRE(r.size() == 1u);
    actions.push_back(str(r[0]->action()));
    BOOST_TEST(r[0]->attempt() == i + 1);
    out = h.feed(ev.outcome(at_s(30 * (i + 1)), "inc-9", "payments", actions.back(), false));
    esc = payloads<fbs::EscalationDecision>(out);
    if (i < 2) BOOST_TEST(esc.empty());
  }
  BOOST_TEST(actions[0] == "rollback_deploy");
  BOOST_TEST(actions[1] == "restart_service"); // the untried alternative
  BOOST_TEST_REQUIRE(esc.size() == 1u);
  BOOST_TEST(str(esc[0]->notify_role()) == "admin");
  BOOST_TEST(esc[0]->attempts() == 3);
  BOOST_TEST(str(esc[0]->incident_id()) == "inc-9");
  BOOST_TEST(payloads<fbs::RemediationDecision>(out).empty());
  // Escalated: no more automation, even when the deadline passes.
  BOOST_TEST(h.feed(ev.load(at_s(3600), "web", 2, 0.6)).empty());
}

BOOST_AUTO_TEST_CASE(a_recurring_incident_is_escalated) {
  harness h;
  events ev;
  int escalations = 0;
  for (int i = 0; i < 4; ++i) {
    const std::string id = "inc-" + std::to_string(i);
    const auto& out = h.feed(ev.incident(at_s(300 * i), id, "payments", "http_5xx_burst"));
    escalations += static_cast<int>(payloads<fbs::EscalationDecision>(out).size());
    for (const auto* r : payloads<fbs::RemediationDecision>(out)) {
      // Each remediation works for a while.
      const auto v = payloads<fbs::VerificationDecision>(
          h.feed(ev.outcome(at_s(300 * i + 20), id, "payments", str(r->action()), true)));
      BOOST_TEST_REQUIRE(v.size() == 1u);
      BOOST_TEST(v[0]->success());
    }
    if (i < 3) BOOST_TEST(escalations == 0);
  }
  // Recurrences 1, 2 and 3 are the three strikes.
  BOOST_TEST(escalations == 1);
  // Another recurrence while escalated is folded into the escalation.
  BOOST_TEST(h.feed(ev.incident(at_s(1300), "inc-4", "payments", "http_5xx_burst")).empty());
  // The same kind on another service is a different problem.
  BOOST_TEST(payloads<fbs::RemediationDecision>(
                 h.feed(ev.incident(at_s(1310), "inc-5", "web", "http_5xx_burst")))
                 .size() == 1u);
}

BOOST_AUTO_TEST_CASE(learned_success_rates_change_the_choice) {
  harness h;
  events ev;
  // With nothing learned the runbook's order decides: the pool restart first.
  auto r = payloads<fbs::RemediationDecision>(
      h.feed(ev.incident(at_s(0), "inc-1", "db1", "db_timeout")));
  BOOST_TEST_REQUIRE(r.size() == 1u);
  BOOST_TEST(str(r[0]->action()) == "restart_connection_pool");
  r = payloads<fbs::RemediationDecision>(
      h.feed(ev.outcome(at_s(10), "inc-1", "db1", "restart_connection_pool", false)));
  BOOST_TEST_REQUIRE(r.size() == 1u);
  BOOST_TEST(str(r[0]->action()) == "failover_read_replica");
  (void)h.feed(ev.outcome(at_s(20), "inc-1", "db1", "failover_read_replica", true));
  const auto& healing = h.agent.state().healing;
  BOOST_TEST(learned_success_rate(healing, "database-timeout", "restart_connection_pool") ==
             1.0 / 3.0);
  BOOST_TEST(learned_success_rate(healing, "database-timeout", "failover_read_replica") ==
             2.0 / 3.0);
  // The next incident of the kind, elsewhere, starts with what worked.
  r = payloads<fbs::RemediationDecision>(
      h.feed(ev.incident(at_s(100), "inc-2", "db2", "db_timeout")));
  BOOST_TEST_REQUIRE(r.size() == 1u);
  BOOST_TEST(str(r[0]->action()) == "failover_read_replica");
  BOOST_TEST(r[0]->runbook_success_rate() == 2.0 / 3.0);
  BOOST_TEST(str(r[0]->reason()).find("0.67 (1 of 1 verified)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(redelivered_and_malformed_incidents_change_nothing) {
  harness h;
  events ev;
  BOOST_TEST(h.feed(ev.incident(at_s(0), "inc-1", "db", "db_timeout")).size() == 1u);
  BOOST_TEST(h.feed(ev.incident(at_s(1), "inc-1", "db", "db_timeout")).empty());
  BOOST_TEST(h.feed(ev.incident(at_s(2), "", "db", "db_timeout")).empty());
  BOOST_TEST(h.feed(ev.outcome(at_s(3), "unknown", "db", "restart_connection_pool", true)).empty());
  // An unknown kind gets the generic runbook.
  const auto r =
      payloads<fbs::RemediationDecision>(h.feed(ev.incident(at_s(4), "inc-2", "web", "oom_kill")));
  BOOST_TEST_REQUIRE(r.size() == 1u);
  BOOST_TEST(str(r[0]->action()) == "restart_service");
}

BOOST_AUTO_TEST_SUITE_END()
