// The platform simulator alone, and in a closed loop with the Operations agent (no Kafka):
// web scales 2 -> 5 -> 2, db is healed by restart_connection_pool, payments is escalated.
#define BOOST_TEST_MODULE platform_simulator
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "actors/operations/operations_agent.hpp"
#include "actors/registry.hpp"
#include "actors/table.hpp"
#include "app/platform_simulator.hpp"

using namespace aetherial;
using aetherial::app::platform_simulator;
using aetherial::app::simulated_event;
namespace fbs = ::aetherial::schema;

namespace {

/// Everything one closed-loop run produced.
struct loop_run {
  std::vector<simulated_event> inputs;
  std::vector<actors::emitted> decisions;
  std::vector<std::uint8_t> snapshot;
  int web_replicas_at_end = 0;
};

const fbs::Envelope* open(const std::vector<std::uint8_t>& v) {
  std::string why;
  return schemas::verify_envelope(v.data(), v.size(), schemas::default_max_event_bytes, &why);
}

// Runs the simulator and an agent made from the registry, feeding decisions back.
loop_run run_loop(app::platform_simulator_config cfg = {}) {
  platform_simulator sim(cfg);
  const auto* kind = actors::find_agent_kind("operations");
  BOOST_TEST_REQUIRE(kind != nullptr);
  auto agent = kind->make({});
  actors::memory_table_store tables;
  loop_run run;
  for (std::int64_t now = sim.start_ms(); !sim.finished(); now += 5'000) {
    for (auto& ev : sim.advance(now)) {
      const auto* env = open(ev.value);
      BOOST_TEST_REQUIRE(env != nullptr);
      actors::context ctx(kind->name, *env);
      ctx.set_tables(&tables);
      agent->on_event(*env, ctx);
      for (auto& out : ctx.take_outputs()) {
        BOOST_TEST(sim.observe(out.value.data(), out.value.size()));
        run.decisions.push_back(std::move(out));
      }
      run.inputs.push_back(std::move(ev));
    }
  }
  agent->flush(tables);
  run.snapshot = agent->snapshot();
  run.web_replicas_at_end = sim.replicas("web");
  return run;
}

template <class T> std::vector<const T*> decisions_of(const loop_run& run) {
  std::vector<const T*> r;
  for (const auto& d : run.decisions)
    if (const auto* p = open(d.value)->payload_as<T>()) r.push_back(p);
  return r;
}

std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

// One line per decision: when, what, why.
std::string describe(const fbs::Envelope& env, std::int64_t start_ms) {
  std::string reason;
  switch (env.payload_type()) {
    case fbs::Payload::ScaleDecision: reason = str(env.payload_as_ScaleDecision()->reason()); break;
    case fbs::Payload::RemediationDecision:
      reason = str(env.payload_as_RemediationDecision()->reason());
      break;
    case fbs::Payload::VerificationDecision:
      reason = str(env.payload_as_VerificationDecision()->reason());
      break;
    case fbs::Payload::EscalationDecision:
      reason = str(env.payload_as_EscalationDecision()->reason());
      break;
    case fbs::Payload::Recommendation:
      reason = str(env.payload_as_Recommendation()->reason()) + " => " +
               str(env.payload_as_Recommendation()->detail());
      break;
    case fbs::Payload::RecommendationVerdict:
      reason = str(env.payload_as_RecommendationVerdict()->reason());
      break;
    case fbs::Payload::RuntimeScaleDecision:
      reason = str(env.payload_as_RuntimeScaleDecision()->reason());
      break;
    default: break;
  }
  return "+" + std::to_string((env.event_time_ms() - start_ms) / 1000) + "s " +
         std::string(schemas::payload_name(env.payload_type())) + ": " + reason;
}

} // namespace

BOOST_AUTO_TEST_CASE(simulator_is_deterministic_and_well_formed) {
  platform_simulator a;
  platform_simulator b;
  const auto ea = a.advance(a.end_ms());
  const auto eb = b.advance(b.end_ms());
  BOOST_TEST_REQUIRE(ea.size() == eb.size());
  BOOST_TEST(ea.size() > 200u);
  std::map<std::string, int> topics;
  std::int64_t last = 0;
  for (std::size_t i = 0; i < ea.size(); ++i) {
    BOOST_TEST(ea[i].value == eb[i].value);
    const auto* env = open(ea[i].value);
    BOOST_TEST_REQUIRE(env != nullptr);
    BOOST_TEST(env->event_time_ms() >= last);
    BOOST_TEST(env->key()->str() == ea[i].key);
    last = env->event_time_ms();
    ++topics[ea[i].topic];
  }
  BOOST_TEST(topics["platform.metrics"] > 0);
  BOOST_TEST(topics["platform.health"] > 0);
  BOOST_TEST(topics["aetherial.telemetry"] > 0);
  BOOST_TEST(topics.size() == 3u);
  BOOST_TEST(a.finished());
  // A different seed gives different ids.
  app::platform_simulator_config cfg;
  cfg.seed = 8;
  platform_simulator c(cfg);
  const auto ec = c.advance(c.start_ms());
  BOOST_TEST_REQUIRE(!ec.empty());
  BOOST_TEST(ec.front().value != ea.front().value);
  BOOST_TEST(!a.observe(ea.front().value.data(), 7));
}

BOOST_AUTO_TEST_CASE(closed_loop_scales_heals_and_escalates) {
  const app::platform_simulator_config cfg;
  const auto run = run_loop(cfg);
  for (const auto& d : run.decisions)
    BOOST_TEST_MESSAGE(describe(*open(d.value), cfg.start_ms));

  // (a) web: 2 -> 5 on the spike, back to 2 after it, and no flapping in between.
  std::vector<std::pair<int, int>> web;
  for (const auto* d : decisions_of<fbs::ScaleDecision>(run))
    if (str(d->service()) == "web") web.emplace_back(d->from_replicas(), d->to_replicas());
  BOOST_TEST_REQUIRE(!web.empty());
  BOOST_TEST(web.front().first == 2);
  int peak = 0;
  for (const auto& [from, to] : web)
    peak = std::max(peak, to);
  BOOST_TEST(peak == 5);
  BOOST_TEST(web.back().second == 2);
  int reversals = 0;
  for (std::size_t i = 1; i < web.size(); ++i) {
    const bool up_before = web[i - 1].second > web[i - 1].first;
    const bool up_now = web[i].second > web[i].first;
    reversals += up_before != up_now ? 1 : 0;
  }
  BOOST_TEST(reversals == 1); // up, then down: once
  BOOST_TEST(run.web_replicas_at_end == 2);
  for (const auto* d : decisions_of<fbs::ScaleDecision>(run))
    BOOST_TEST(str(d->service()) == "web"); // db and payments stay within tolerance

  // (b) db: restart_connection_pool, verified.
  bool db_remediated = false;
  for (const auto* d : decisions_of<fbs::RemediationDecision>(run))
    if (str(d->service()) == "db") {
      BOOST_TEST(str(d->action()) == "restart_connection_pool");
      BOOST_TEST(d->attempt() == 1);
      db_remediated = true;
    }
  BOOST_TEST(db_remediated);
  bool db_verified = false;
  for (const auto* d : decisions_of<fbs::VerificationDecision>(run))
    if (str(d->service()) == "db") db_verified = d->success();
  BOOST_TEST(db_verified);

  // (c) payments: escalated to an admin, and nothing else is.
  const auto escalations = decisions_of<fbs::EscalationDecision>(run);
  BOOST_TEST_REQUIRE(escalations.size() == 1u);
  BOOST_TEST(str(escalations[0]->service()) == "payments");
  BOOST_TEST(str(escalations[0]->notify_role()) == "admin");
  int payments_remediations = 0;
  for (const auto* d : decisions_of<fbs::RemediationDecision>(run))
    payments_remediations += str(d->service()) == "payments" ? 1 : 0;
  BOOST_TEST(payments_remediations >= 2);

  // Optimization and the runtime's own scaling happened, and were judged.
  const auto recs = decisions_of<fbs::Recommendation>(run);
  BOOST_TEST(recs.size() == 2u);
  const auto verdicts = decisions_of<fbs::RecommendationVerdict>(run);
  BOOST_TEST(verdicts.size() == 2u);
  for (const auto* v : verdicts)
    BOOST_TEST(v->effective());
  const auto runtime_scales = decisions_of<fbs::RuntimeScaleDecision>(run);
  BOOST_TEST_REQUIRE(runtime_scales.size() >= 2u);
  BOOST_TEST(runtime_scales.front()->to_instances() > runtime_scales.front()->from_instances());
  BOOST_TEST(runtime_scales.back()->to_instances() == 1);

  // The same run again: the same inputs, decisions and final state, byte for byte.
  const auto again = run_loop(cfg);
  BOOST_TEST_REQUIRE(again.inputs.size() == run.inputs.size());
  BOOST_TEST_REQUIRE(again.decisions.size() == run.decisions.size());
  for (std::size_t i = 0; i < run.decisions.size(); ++i)
    BOOST_TEST(again.decisions[i].value == run.decisions[i].value);
  BOOST_TEST(again.snapshot == run.snapshot);
}
