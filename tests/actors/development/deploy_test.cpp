// Deploys: the gate waits for the change's tests and an approval, replies as events arrive,
// and the post-deploy watch compares the error rate with the pre-deploy baseline.
#include <boost/test/unit_test.hpp>

#include "actors/kit/task.hpp"
#include "tests/actors/development/development_fixture.hpp"

using namespace aetherial::actors::development::test;

namespace {

const kv_list deploy_params = {{"text", "Deploy the new feature to production"},
                               {"service", "web"},
                               {"environment", "production"},
                               {"commit", "c42"}};

/// Baseline error rate of about 0.5 %, then a deploy task.
void prepare(harness& h, events& ev) {
  for (int i = 0; i < 10; ++i)
    (void)h.feed(ev.error_rate(at_s(10 * i), 0.005));
  (void)h.feed(ev.task(at_s(100), "t1", "development.deploy", deploy_params));
}

/// Drives a deploy to "deployed, watching".
void deploy(harness& h, events& ev) {
  prepare(h, ev);
  (void)h.feed(ev.build(at_s(200), "c42", true));
  (void)h.feed(ev.approval(at_s(210), "bob", "deploy-t1"));
  (void)h.feed(ev.deploy_finished(at_s(300), "deploy-t1"));
}

} // namespace

BOOST_AUTO_TEST_SUITE(deploys)

BOOST_AUTO_TEST_CASE(deploy_the_new_feature_to_production) {
  harness h;
  events ev;
  prepare(h, ev);
  // The task: tests are run (an effect) and the requester is told so.
  const auto& start = h.history.back();
  const auto effects = payloads<fbs::EffectRequest>(start);
  BOOST_TEST_REQUIRE(effects.size() == 1u);
  BOOST_TEST(str(effects[0]->kind()) == "ci_pipeline");
  BOOST_TEST_REQUIRE(reply_texts(start).size() == 1u);
  BOOST_TEST(reply_texts(start)[0].rfind("Running tests", 0) == 0);
  BOOST_TEST(str(payloads<fbs::Reply>(start)[0]->conversation_id()) == "conv-1");
  BOOST_TEST(start.back().key == "conv-1");
  BOOST_TEST((start.back().to == output::replies));

  // An approval first: recorded, but the gate still waits for the tests.
  const auto& approved = h.feed(ev.approval(at_s(150), "bob", "deploy-t1"));
  BOOST_TEST(payloads<fbs::DeployGate>(approved).empty());
  BOOST_TEST(reply_texts(approved)[0] == "Approved by bob. Waiting for the tests.");

  // A build of another commit does not open the gate.
  BOOST_TEST(h.feed(ev.build(at_s(180), "c41", true)).empty());

  // Tests pass on the change: the gate opens, the deploy effect is requested.
  const auto& passed = h.feed(ev.build(at_s(200), "c42", true));
  const auto gates = payloads<fbs::DeployGate>(passed);
  BOOST_TEST_REQUIRE(gates.size() == 1u);
  BOOST_TEST(gates[0]->allowed());
  BOOST_TEST(str(gates[0]->deploy_id()) == "deploy-t1");
  BOOST_TEST(str(gates[0]->environment()) == "production");
  BOOST_TEST(str(gates[0]->reason()) == "tests passed on commit c42; approved by bob");
  const auto deploy_effects = payloads<fbs::EffectRequest>(passed);
  BOOST_TEST_REQUIRE(deploy_effects.size() == 1u);
  BOOST_TEST(str(deploy_effects[0]->kind()) == "deploy");
  BOOST_TEST(reply_texts(passed)[0] == "Tests passed. Deploying...");

  // Deployed, then a quiet watch: the task succeeds when the watch is over.
  const auto& done = h.feed(ev.deploy_finished(at_s(300), "deploy-t1"));
  BOOST_TEST(reply_texts(done)[0].find("Watching the error rate for 15 min") != std::string::npos);
  for (int i = 1; i <= 10; ++i)
    BOOST_TEST(
        payloads<fbs::RollbackDecision>(h.feed(ev.error_rate(at_s(300 + 60 * i), 0.006))).empty());
  const auto& end = h.feed(ev.error_rate(at_s(300 + 16 * 60), 0.005));
  const auto outcomes = payloads<fbs::TaskOutcome>(end);
  BOOST_TEST_REQUIRE(outcomes.size() == 1u);
  BOOST_TEST(outcomes[0]->success());
  BOOST_TEST(str(outcomes[0]->task_id()) == "t1");
  BOOST_TEST(str(outcomes[0]->agent()) == "development");
  BOOST_TEST(reply_texts(end)[0].find("healthy") != std::string::npos);
  BOOST_TEST(payloads<fbs::RollbackDecision>(h.all).empty());
}

BOOST_AUTO_TEST_CASE(tests_then_approval_waits_for_the_approval) {
  harness h;
  events ev;
  prepare(h, ev);
  const auto& passed = h.feed(ev.build(at_s(200), "c42", true));
  BOOST_TEST(payloads<fbs::DeployGate>(passed).empty());
  BOOST_TEST(reply_texts(passed)[0] ==
             "Tests passed. Waiting for an approval to deploy web to production.");
  // The requester cannot approve their own deploy.
  const auto& self = h.feed(ev.approval(at_s(205), "alice", "deploy-t1"));
  BOOST_TEST(payloads<fbs::DeployGate>(self).empty());
  const auto& approved = h.feed(ev.approval(at_s(210), "carol", "deploy-t1"));
  BOOST_TEST_REQUIRE(payloads<fbs::DeployGate>(approved).size() == 1u);
  BOOST_TEST(reply_texts(approved)[0] == "Approved by carol. Deploying...");
}

BOOST_AUTO_TEST_CASE(staging_needs_no_approval) {
  harness h;
  events ev;
  (void)h.feed(ev.task(at_s(0), "t2", "development.deploy",
                       {{"service", "web"}, {"environment", "staging"}}));
  const auto& passed = h.feed(ev.build(at_s(60), "c7", true));
  const auto gates = payloads<fbs::DeployGate>(passed);
  BOOST_TEST_REQUIRE(gates.size() == 1u);
  BOOST_TEST(gates[0]->allowed());
  BOOST_TEST(str(gates[0]->reason()) ==
             "tests passed on commit c7; no approval needed for staging");
}

BOOST_AUTO_TEST_CASE(failing_tests_close_the_gate) {
  harness h;
  events ev;
  prepare(h, ev);
  const auto& failed = h.feed(ev.build(at_s(200), "c42", false));
  const auto gates = payloads<fbs::DeployGate>(failed);
  BOOST_TEST_REQUIRE(gates.size() == 1u);
  BOOST_TEST(!gates[0]->allowed());
  BOOST_TEST(reply_texts(failed)[0].rfind("Tests failed.", 0) == 0);
  const auto outcomes = payloads<fbs::TaskOutcome>(failed);
  BOOST_TEST_REQUIRE(outcomes.size() == 1u);
  BOOST_TEST(!outcomes[0]->success());
  // Nothing more happens for that deploy.
  BOOST_TEST(h.feed(ev.approval(at_s(210), "bob", "deploy-t1")).empty());
}

BOOST_AUTO_TEST_CASE(severe_error_rate_rolls_back_automatically) {
  harness h;
  events ev;
  deploy(h, ev);
  const auto& bad = h.feed(ev.error_rate(at_s(360), 0.09));
  const auto rollbacks = payloads<fbs::RollbackDecision>(bad);
  BOOST_TEST_REQUIRE(rollbacks.size() == 1u);
  BOOST_TEST(rollbacks[0]->severe());
  BOOST_TEST(rollbacks[0]->automatic());
  BOOST_TEST(rollbacks[0]->baseline() == 0.005, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(rollbacks[0]->error_rate() == 0.09);
  const auto effects = payloads<fbs::EffectRequest>(bad);
  BOOST_TEST_REQUIRE(effects.size() == 1u);
  BOOST_TEST(str(effects[0]->kind()) == "rollback");
  const auto outcomes = payloads<fbs::TaskOutcome>(bad);
  BOOST_TEST_REQUIRE(outcomes.size() == 1u);
  BOOST_TEST(!outcomes[0]->success());
  BOOST_TEST(reply_texts(bad)[0].find("Rolling back automatically") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(elevated_error_rate_only_recommends_a_rollback) {
  harness h;
  events ev;
  deploy(h, ev);
  // 2 % against 0.5 %: elevated, not severe. One sample is not enough.
  BOOST_TEST(payloads<fbs::RollbackDecision>(h.feed(ev.error_rate(at_s(360), 0.02))).empty());
  const auto& second = h.feed(ev.error_rate(at_s(420), 0.021));
  const auto rollbacks = payloads<fbs::RollbackDecision>(second);
  BOOST_TEST_REQUIRE(rollbacks.size() == 1u);
  BOOST_TEST(!rollbacks[0]->severe());
  BOOST_TEST(!rollbacks[0]->automatic());
  BOOST_TEST(payloads<fbs::EffectRequest>(second).empty());
  BOOST_TEST(status_text(payloads<fbs::Reply>(second)[0]->status()) == "needs_confirmation");
  // Recommended once, not at every sample.
  BOOST_TEST(payloads<fbs::RollbackDecision>(h.feed(ev.error_rate(at_s(480), 0.02))).empty());
  // Becoming severe still rolls back automatically.
  const auto& severe = h.feed(ev.error_rate(at_s(540), 0.2));
  BOOST_TEST_REQUIRE(payloads<fbs::RollbackDecision>(severe).size() == 1u);
  BOOST_TEST(payloads<fbs::RollbackDecision>(severe)[0]->automatic());
}

BOOST_AUTO_TEST_CASE(the_baseline_ignores_samples_during_a_deploy) {
  harness h;
  events ev;
  deploy(h, ev);
  const double before = repo_of(h, "web").baseline;
  (void)h.feed(ev.error_rate(at_s(360), 0.012));
  BOOST_TEST(repo_of(h, "web").baseline == before);
  // Another service's samples neither trigger nor disturb this deploy.
  BOOST_TEST(payloads<fbs::RollbackDecision>(h.feed(ev.error_rate(at_s(370), 0.5, "api"))).empty());
}

BOOST_AUTO_TEST_CASE(a_failed_deploy_ends_the_task) {
  harness h;
  events ev;
  prepare(h, ev);
  (void)h.feed(ev.build(at_s(200), "c42", true));
  (void)h.feed(ev.approval(at_s(210), "bob", "deploy-t1"));
  const auto& failed = h.feed(ev.deploy_finished(at_s(300), "deploy-t1", false));
  const auto outcomes = payloads<fbs::TaskOutcome>(failed);
  BOOST_TEST_REQUIRE(outcomes.size() == 1u);
  BOOST_TEST(!outcomes[0]->success());
}

BOOST_AUTO_TEST_CASE(a_redelivered_task_is_ignored) {
  harness h;
  events ev;
  prepare(h, ev);
  BOOST_TEST(h.feed(ev.task(at_s(101), "t1", "development.deploy", deploy_params)).empty());
}

BOOST_AUTO_TEST_CASE(a_deploy_naming_no_service_asks_which) {
  // The task arrives under a partition key ("web" here): that is no service to deploy.
  harness h;
  events ev;
  const auto& out = h.feed(ev.task(at_s(0), "t9", "development.deploy",
                                   {{"text", "Deploy the new feature to production"},
                                    {"environment", "production"},
                                    {"change", "new feature"}}));
  const auto rs = payloads<fbs::Reply>(out);
  BOOST_TEST_REQUIRE(rs.size() == 1u);
  BOOST_TEST((rs[0]->status() == fbs::ReplyStatus::refused));
  BOOST_TEST(str(rs[0]->text()) ==
             "To deploy new feature to production I need the service it belongs to: which one? "
             "Name it, and the commit if it is not the next build (for example \"Deploy web "
             "commit 4f2a9c1 to production\").");
  BOOST_TEST(payloads<fbs::EffectRequest>(out).empty()); // no tests run, nothing deployed
  const auto o = payloads<fbs::TaskOutcome>(out);
  BOOST_TEST_REQUIRE(o.size() == 1u);
  BOOST_TEST(!o[0]->success());
  BOOST_TEST((o[0]->status() == fbs::ReplyStatus::refused));
  BOOST_TEST(h.agent.state().deploys.empty());
}

BOOST_AUTO_TEST_CASE(a_deploy_runs_the_tests_of_the_commit_named) {
  harness h;
  events ev;
  const auto& out = h.feed(ev.task(at_s(0), "t8", "development.deploy",
                                   {{"text", "Deploy web commit 4f2a9c1 to production"},
                                    {"service", "web"},
                                    {"commit", "4f2a9c1"},
                                    {"environment", "production"}}));
  BOOST_TEST(str(payloads<fbs::Reply>(out).at(0)->text()) ==
             "Running tests for web at commit 4f2a9c1 before deploying to production...");
  const auto* ci = payloads<fbs::EffectRequest>(out).at(0);
  BOOST_TEST(str(ci->kind()) == "ci_pipeline");
  BOOST_TEST(h.agent.state().deploys.at("deploy-t8").commit == "4f2a9c1");
}

BOOST_AUTO_TEST_SUITE_END()
