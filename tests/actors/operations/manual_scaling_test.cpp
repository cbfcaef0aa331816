// Scaling asked for by a person: operations.scale_up / operations.scale_down tasks. Only a
// verified scaler acts; beyond a service's bounds only a policy-override role; refusals and
// overrides are AccessAudit decisions; a manual scale holds against the autoscaler for a while,
// across a snapshot too.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "actors/kit/task.hpp"
#include "actors/operations/manual_scaling.hpp"
#include "tests/actors/operations/operations_fixture.hpp"

using namespace aetherial::actors::operations::test;

namespace {

class scale_events : public events {
public:
  bytes scale(std::int64_t t, const std::string& conversation, const std::string& type,
              const pairs& ps) {
    auto spec =
        task_spec_of("task-" + conversation, type, "operations", conversation, "user:ops", ps);
    return envelope_builder::task(t, spec, "web", "agent:orchestrator", "corr-" + conversation);
  }
};

identity verified(const std::string& principal, std::vector<std::string> roles) {
  identity who;
  who.status = identity_status::verified;
  who.principal = principal;
  who.roles = std::move(roles);
  return who;
}

std::vector<emitted> feed(tabled_agent& agent, const bytes& value, const identity* who = nullptr) {
  const auto& env = envelope_of(value);
  context ctx(kind_name, env);
  ctx.set_identity(who);
  agent.on_event(env, ctx);
  return ctx.take_outputs();
}

const fbs::Reply& reply_of(const std::vector<emitted>& out) {
  const auto rs = payloads<fbs::Reply>(out);
  BOOST_TEST_REQUIRE(rs.size() == 1u);
  return *rs.at(0);
}

/// web at 2 replicas, 50% CPU (inside the HPA tolerance of its 60% target).
struct calm_web {
  tabled_agent agent;
  scale_events ev;
  calm_web() { (void)feed(agent, ev.load(at_s(0), "web", 2, 0.6)); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(manual_scaling)

BOOST_FIXTURE_TEST_CASE(a_verified_operator_scales_within_bounds_and_the_scale_holds, calm_web) {
  const auto op = verified("user:olga", {"operator"});
  const auto out =
      feed(agent,
           ev.scale(at_s(10), "c1", "operations.scale_up", {{"service", "web"}, {"replicas", "4"}}),
           &op);
  const auto scales = payloads<fbs::ScaleDecision>(out);
  BOOST_TEST_REQUIRE(scales.size() == 1u);
  BOOST_TEST(scales[0]->from_replicas() == 2);
  BOOST_TEST(scales[0]->to_replicas() == 4);
  BOOST_TEST(str(scales[0]->rule()) == "manual");
  BOOST_TEST(str(scales[0]->reason()).find("asked by user:olga") != std::string::npos,
             str(scales[0]->reason()));
  BOOST_TEST(payloads<fbs::AccessAudit>(out).empty());
  const auto& r = reply_of(out);
  BOOST_TEST(status_text(r.status()) == "answered");
  BOOST_TEST(str(r.text()) == "Scaling web up from 2 to 4 replicas; the autoscaler keeps it for "
                              "600 s.");
  BOOST_TEST(payloads<fbs::TaskOutcome>(out).size() == 1u);
  BOOST_TEST(payloads<fbs::TaskOutcome>(out)[0]->success());

  // Low load inside the hold: the autoscaler leaves 4 alone; after it, it scales down again.
  for (int i = 1; i <= 20; ++i)
    BOOST_TEST(payloads<fbs::ScaleDecision>(feed(agent, ev.load(at_s(10 + 15 * i), "web", 4, 0.1)))
                   .empty());
  // A snapshot keeps the hold.
  tabled_agent restored;
  BOOST_TEST_REQUIRE(restored.restore_from(agent));
  BOOST_TEST(restored.row("web").scaling.value().manual_until_ms == at_s(10) + 600'000);
  BOOST_TEST(
      payloads<fbs::ScaleDecision>(feed(restored, ev.load(at_s(500), "web", 4, 0.1))).empty());
  std::size_t after = 0;
  for (int i = 0; i < 30; ++i)
    after +=
        payloads<fbs::ScaleDecision>(feed(restored, ev.load(at_s(620 + 15 * i), "web", 4, 0.1)))
            .size();
  BOOST_TEST(after >= 1u);
}

BOOST_FIXTURE_TEST_CASE(no_scaler_role_or_no_proven_identity_is_refused_and_audited, calm_web) {
  const auto user = verified("user:uma", {"user"});
  const identity unproven = [] {
    identity u;
    u.status = identity_status::refused;
    u.reason = "no identity token";
    return u;
  }();
  for (const identity* who : {&user, &unproven}) {
    const auto out = feed(agent,
                          ev.scale(at_s(10), "c-" + who->principal, "operations.scale_up",
                                   {{"service", "web"}, {"replicas", "3"}}),
                          who);
    BOOST_TEST(payloads<fbs::ScaleDecision>(out).empty());
    const auto audits = payloads<fbs::AccessAudit>(out);
    BOOST_TEST_REQUIRE(audits.size() == 1u);
    BOOST_TEST(!audits[0]->allowed());
    BOOST_TEST(str(audits[0]->action()) == "operations.scale_up");
    BOOST_TEST(status_text(reply_of(out).status()) == "refused");
  }
  BOOST_TEST(agent.row("web").scaling.value().manual_until_ms == 0);
}

BOOST_FIXTURE_TEST_CASE(beyond_the_policy_takes_an_override_role, calm_web) {
  (void)feed(agent, ev.policy(at_s(1), "web", 1, 3, 0.6, 300));
  const auto op = verified("user:olga", {"operator"});
  const auto refused =
      feed(agent,
           ev.scale(at_s(10), "c1", "operations.scale_up", {{"service", "web"}, {"replicas", "5"}}),
           &op);
  BOOST_TEST(payloads<fbs::ScaleDecision>(refused).empty());
  const auto audits = payloads<fbs::AccessAudit>(refused);
  BOOST_TEST_REQUIRE(audits.size() == 1u);
  BOOST_TEST(!audits[0]->allowed());
  BOOST_TEST(str(audits[0]->reason()).find("[1, 3] of its scaling policy") != std::string::npos,
             str(audits[0]->reason()));
  BOOST_TEST(str(reply_of(refused).text()).find("needs a role of admin") != std::string::npos);

  // Within the policy the operator may.
  const auto within =
      feed(agent,
           ev.scale(at_s(11), "c2", "operations.scale_up", {{"service", "web"}, {"replicas", "3"}}),
           &op);
  BOOST_TEST(payloads<fbs::ScaleDecision>(within).size() == 1u);

  const auto admin = verified("user:ada", {"admin"});
  const auto over =
      feed(agent,
           ev.scale(at_s(12), "c3", "operations.scale_up", {{"service", "web"}, {"replicas", "5"}}),
           &admin);
  const auto scales = payloads<fbs::ScaleDecision>(over);
  BOOST_TEST_REQUIRE(scales.size() == 1u);
  BOOST_TEST(scales[0]->from_replicas() == 3);
  BOOST_TEST(scales[0]->to_replicas() == 5);
  BOOST_TEST(str(scales[0]->reason()).find("beyond [1, 3] of its scaling policy by role admin") !=
                 std::string::npos,
             str(scales[0]->reason()));
  const auto granted = payloads<fbs::AccessAudit>(over);
  BOOST_TEST_REQUIRE(granted.size() == 1u);
  BOOST_TEST(granted[0]->allowed());
  BOOST_TEST(str(granted[0]->principal()) == "user:ada");
}

BOOST_FIXTURE_TEST_CASE(what_cannot_be_done_is_said_and_nothing_scales, calm_web) {
  const auto admin = verified("user:ada", {"admin"});
  struct one {
    std::string type;
    pairs params;
    std::string status;
    std::string says;
  };
  const std::vector<one> cases{
      {"operations.scale_up", {{"service", "mail"}}, "no_data", "no load data for mail"},
      {"operations.scale_up", {}, "refused", "Which service?"},
      {"operations.scale_up",
       {{"service", "web"}, {"replicas", "1"}},
       "refused",
       "is not a scale up"},
      {"operations.scale_down",
       {{"service", "web"}, {"replicas", "3"}},
       "refused",
       "is not a scale down"},
      {"operations.scale_up",
       {{"service", "web"}, {"replicas", "2"}},
       "answered",
       "already runs 2"},
      {"operations.scale_up",
       {{"service", "web"}, {"replicas", "50000"}},
       "refused",
       "outside 1 to 10000"},
  };
  int n = 0;
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.says) {
      const auto out =
          feed(agent, ev.scale(at_s(10 + n), "k" + std::to_string(n), c.type, c.params), &admin);
      ++n;
      BOOST_TEST(payloads<fbs::ScaleDecision>(out).empty());
      BOOST_TEST(status_text(reply_of(out).status()) == c.status);
      BOOST_TEST(str(reply_of(out).text()).find(c.says) != std::string::npos,
                 str(reply_of(out).text()));
    }
  }
  // One step down when no count is named.
  const auto down =
      feed(agent, ev.scale(at_s(40), "d", "operations.scale_down", {{"service", "web"}}), &admin);
  const auto scales = payloads<fbs::ScaleDecision>(down);
  BOOST_TEST_REQUIRE(scales.size() == 1u);
  BOOST_TEST(scales[0]->to_replicas() == 1);
  // Two more.
  const auto more = feed(
      agent, ev.scale(at_s(41), "m", "operations.scale_up", {{"service", "web"}, {"step", "2"}}),
      &admin);
  BOOST_TEST_REQUIRE(payloads<fbs::ScaleDecision>(more).size() == 1u);
  BOOST_TEST(payloads<fbs::ScaleDecision>(more)[0]->from_replicas() == 1);
  BOOST_TEST(payloads<fbs::ScaleDecision>(more)[0]->to_replicas() == 3);
}

BOOST_AUTO_TEST_SUITE_END()
