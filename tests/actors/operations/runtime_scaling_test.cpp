// The runtime's own scaling from aetherial.telemetry.
#include <boost/test/unit_test.hpp>

#include "actors/operations/runtime_scaling.hpp"
#include "tests/actors/operations/operations_fixture.hpp"

using namespace aetherial::actors::operations::test;

BOOST_AUTO_TEST_SUITE(runtime_scaling)

BOOST_AUTO_TEST_CASE(sustained_lag_growth_adds_instances_then_idle_removes_one) {
  harness h;
  events ev;
  std::vector<const fbs::RuntimeScaleDecision*> d;
  // Lag grows 3000 per 30 s (100 events/s) while one instance drains 200 events/s.
  for (int i = 0; i <= 4 && d.empty(); ++i) {
    const auto& out = h.feed(ev.telemetry(at_s(30 * i), 1, 2000 + 3000 * i, 200));
    d = payloads<fbs::RuntimeScaleDecision>(out);
    if (!d.empty()) {
      BOOST_TEST(i == 4); // the fourth consecutive growth
      BOOST_TEST(out[0].key == "runtime");
      // The same decision as a request a deployment acts on, keyed like it.
      BOOST_TEST_REQUIRE(out.size() == 2u);
      BOOST_TEST((out[1].to == output::effects));
      BOOST_TEST(out[1].key == "runtime");
      const auto& e = the_one<fbs::EffectRequest>(out);
      BOOST_TEST(str(e.kind()) == "scale_runtime");
      const auto& cause = envelope_of(out[0]);
      BOOST_TEST(str(e.effect_id()) ==
                 "scale-runtime-" +
                     aetherial::schemas::event_id::from(cause.causation_id()).to_string());
      const auto params = as_map(e.params());
      BOOST_TEST(params.at("from_instances") == "1");
      BOOST_TEST(params.at("to_instances") == "2");
      BOOST_TEST(params.at("total_lag") == "14000");
      BOOST_TEST(params.at("lag_growth_per_s") == "100.0");
      BOOST_TEST(str(e.input()).rfind("Scale the Aetherial runtime from 1 to 2 instances: ", 0) ==
                 0);
    }
  }
  BOOST_TEST_REQUIRE(d.size() == 1u);
  BOOST_TEST(d[0]->from_instances() == 1);
  BOOST_TEST(d[0]->to_instances() == 2);
  BOOST_TEST(d[0]->lag_growth_per_s() == 100.0);
  BOOST_TEST(d[0]->total_lag() == 14000);
  BOOST_TEST(str(d[0]->reason()).find("100.0 events/s") != std::string::npos);

  // Two instances drain it; it stays idle. 150 events/s fits in one instance (0.8 × 200).
  std::vector<const fbs::RuntimeScaleDecision*> in;
  int t = 150;
  for (std::int64_t lag = 12000; lag > 0; lag -= 3000, t += 30)
    BOOST_TEST(h.feed(ev.telemetry(at_s(t), 2, lag, 400)).empty());
  const int idle_from = t;
  for (; t <= idle_from + 400 && in.empty(); t += 30)
    in = payloads<fbs::RuntimeScaleDecision>(h.feed(ev.telemetry(at_s(t), 2, 0, 150)));
  BOOST_TEST_REQUIRE(in.size() == 1u);
  BOOST_TEST(in[0]->to_instances() == 1);
  BOOST_TEST(t - 30 - idle_from >= 300);
}

// Two nodes each report their own lag and rate: the runtime's are the sums, and a node that
// has gone quiet no longer counts.
BOOST_AUTO_TEST_CASE(the_runtimes_lag_is_the_sum_over_the_nodes_reporting) {
  harness h;
  events ev;
  std::vector<const fbs::RuntimeScaleDecision*> d;
  // Each of two nodes: its lag grows 1500 per 30 s while it drains 100 events/s; node-b
  // reports a second after node-a.
  std::int64_t decided_at = 0;
  for (int i = 0; i <= 4 && d.empty(); ++i)
    for (const std::string node : {"node-a", "node-b"}) {
      decided_at = at_s(30 * i) + (node == "node-b" ? 1000 : 0);
      d = payloads<fbs::RuntimeScaleDecision>(
          h.feed(ev.telemetry(decided_at, 2, 1000 + 1500 * i, 100, node)));
      if (!d.empty()) break;
    }
  BOOST_TEST_REQUIRE(d.size() == 1u);
  // The fifth sample, at node-a's third report: 4000 of its own and 2500 of node-b's.
  BOOST_TEST(decided_at == at_s(60));
  BOOST_TEST(d[0]->total_lag() == 6500);
  BOOST_TEST(d[0]->from_instances() == 2);
  BOOST_TEST(d[0]->to_instances() == 3); // each drains 100 events/s: one more for the growth
  BOOST_TEST(h.agent.state().runtime.reporters.size() == 2u);
  // node-b goes quiet: past report_ttl_ms only node-a's report counts.
  (void)h.feed(ev.telemetry(at_s(120), 3, 500, 100, "node-a"));
  BOOST_TEST(h.agent.state().runtime.reporters.size() == 1u);
  BOOST_TEST(h.agent.state().runtime.samples.back().total_lag == 500);
}

BOOST_AUTO_TEST_CASE(idle_but_busy_runtime_keeps_its_instances) {
  harness h;
  events ev;
  for (int i = 0; i <= 4; ++i)
    (void)h.feed(ev.telemetry(at_s(30 * i), 1, 2000 + 3000 * i, 200));
  // 350 events/s with no lag needs both instances (one drains 200).
  for (int t = 150; t < 150 + 900; t += 30)
    BOOST_TEST(h.feed(ev.telemetry(at_s(t), 2, 0, 350)).empty());
}

BOOST_AUTO_TEST_CASE(noisy_or_small_lag_is_not_growth) {
  harness h;
  events ev;
  const std::int64_t lags[] = {5000, 9000, 4000, 12000, 6000, 15000, 7000, 16000};
  for (int i = 0; i < 8; ++i)
    BOOST_TEST(h.feed(ev.telemetry(at_s(30 * i), 1, lags[i], 200)).empty());
  harness small;
  for (int i = 0; i < 8; ++i)
    BOOST_TEST(small.feed(ev.telemetry(at_s(30 * i), 1, 10 * i, 200)).empty());
}

BOOST_AUTO_TEST_CASE(slope_is_least_squares_in_events_per_second) {
  std::deque<telemetry_sample> s;
  for (int i = 0; i < 5; ++i)
    s.push_back({30'000 * i, 1000 + 600 * i, 1, 0});
  BOOST_TEST(lag_slope_per_s(s) == 20.0);
  BOOST_TEST(lag_slope_per_s({}) == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
