// Auto-scaling: the HPA rule and its edge cases, sample lag, flapping, the forecast.
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/actors/operations/operations_fixture.hpp"

using namespace aetherial::actors::operations::test;

namespace boost::test_tools::tt_detail {
/// Prints a forecast signal in test names and messages.
template <> struct print_log_value<forecast_signal> {
  void operator()(std::ostream& os, forecast_signal s) {
    os << (s == forecast_signal::rps ? "rps" : "cpu_demand");
  }
};
} // namespace boost::test_tools::tt_detail

namespace {

std::vector<const fbs::ScaleDecision*> scales(const std::vector<aetherial::actors::emitted>& out) {
  return payloads<fbs::ScaleDecision>(out);
}

} // namespace

BOOST_AUTO_TEST_SUITE(autoscaling)

BOOST_AUTO_TEST_CASE(hpa_rule_scales_up_with_numbers_and_key) {
  harness h;
  events ev;
  const auto& out = h.feed(ev.load(at_s(0), "web", 2, 0.9));
  const auto d = scales(out);
  BOOST_TEST_REQUIRE(d.size() == 1u);
  BOOST_TEST(out[0].key == "web");
  BOOST_TEST(str(d[0]->service()) == "web");
  BOOST_TEST(d[0]->from_replicas() == 2);
  BOOST_TEST(d[0]->to_replicas() == 3); // ceil(2 × 0.9 / 0.6)
  BOOST_TEST(d[0]->raw_desired() == 3);
  BOOST_TEST(str(d[0]->rule()) == "hpa");
  BOOST_TEST(d[0]->metric_value() == 0.9);
  BOOST_TEST(d[0]->target_value() == 0.6);
  BOOST_TEST(str(d[0]->reason()).find("ceil(2 x 0.900 / 0.600) = 3") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tolerance_boundary) {
  harness h;
  events ev;
  // |0.66 / 0.6 - 1| = 0.1: inside the tolerance, no change.
  BOOST_TEST(scales(h.feed(ev.load(at_s(0), "svc", 4, 0.66))).empty());
  // 0.54 / 0.6 = 0.9: inside too.
  BOOST_TEST(scales(h.feed(ev.load(at_s(15), "svc", 4, 0.54))).empty());
  // Just outside: ceil(4 × 0.67 / 0.6) = 5.
  const auto d = scales(h.feed(ev.load(at_s(30), "svc", 4, 0.67)));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  BOOST_TEST(d[0]->to_replicas() == 5);
}

BOOST_AUTO_TEST_CASE(scale_down_waits_for_the_stabilization_window) {
  harness h;
  events ev;
  for (int t = 0; t <= 45; t += 15)
    BOOST_TEST(scales(h.feed(ev.load(at_s(t), "svc", 4, 0.6))).empty());
  // Load drops: the raw rule wants 2 (ceil(4 × 0.3 / 0.6)), but the window still holds 4.
  std::vector<const fbs::ScaleDecision*> got;
  int decided_at = -1;
  for (int t = 60; t <= 420 && got.empty(); t += 15) {
    got = scales(h.feed(ev.load(at_s(t), "svc", 4, 0.3)));
    if (!got.empty()) decided_at = t;
  }
  BOOST_TEST_REQUIRE(got.size() == 1u);
  BOOST_TEST(decided_at == 345); // the last "4" (t = 45 s) left the 300 s window
  BOOST_TEST(got[0]->to_replicas() == 2);
  BOOST_TEST(str(got[0]->rule()) == "hpa");
}

BOOST_AUTO_TEST_CASE(stabilized_rule_when_the_window_holds_a_higher_recommendation) {
  harness h;
  events ev;
  for (int t = 0; t <= 45; t += 15)
    (void)h.feed(ev.load(at_s(t), "svc", 4, 0.6));
  for (int t = 60; t <= 120; t += 15)
    (void)h.feed(ev.load(at_s(t), "svc", 4, 0.42)); // wants 3
  std::vector<const fbs::ScaleDecision*> got;
  for (int t = 135; t <= 345 && got.empty(); t += 15)
    got = scales(h.feed(ev.load(at_s(t), "svc", 4, 0.3))); // wants 2
  BOOST_TEST_REQUIRE(got.size() == 1u);
  BOOST_TEST(got[0]->to_replicas() == 3);
  BOOST_TEST(got[0]->raw_desired() == 2);
  BOOST_TEST(str(got[0]->rule()) == "stabilized");
}

BOOST_AUTO_TEST_CASE(policy_bounds_clamp_both_ways) {
  harness h;
  events ev;
  (void)h.feed(ev.policy(at_s(0), "svc", 2, 5, 0.6, 300));
  auto up = scales(h.feed(ev.load(at_s(1), "svc", 3, 1.5)));
  BOOST_TEST_REQUIRE(up.size() == 1u);
  BOOST_TEST(up[0]->to_replicas() == 5);
  BOOST_TEST(up[0]->raw_desired() == 8);
  BOOST_TEST(str(up[0]->rule()) == "bounds");

  harness low;
  (void)low.feed(ev.policy(at_s(0), "svc", 2, 5, 0.6, 0));
  auto down = scales(low.feed(ev.load(at_s(1), "svc", 3, 0.05)));
  BOOST_TEST_REQUIRE(down.size() == 1u);
  BOOST_TEST(down[0]->to_replicas() == 2);
  BOOST_TEST(down[0]->raw_desired() == 1);
  BOOST_TEST(str(down[0]->rule()) == "bounds");

  // An invalid policy (max < min) is ignored: the defaults stay.
  harness bad;
  (void)bad.feed(ev.policy(at_s(0), "svc", 6, 3, 0.6, 300));
  auto d = scales(bad.feed(ev.load(at_s(1), "svc", 2, 0.9)));
  BOOST_TEST_REQUIRE(d.size() == 1u);
  BOOST_TEST(d[0]->to_replicas() == 3);
}

BOOST_AUTO_TEST_CASE(scale_up_rate_limit) {
  harness h;
  events ev;
  // ceil(2 × 3.0 / 0.6) = 10, but at most max(+4, +100 %) = 6 per 15 s.
  auto first = scales(h.feed(ev.load(at_s(0), "svc", 2, 3.0)));
  BOOST_TEST_REQUIRE(first.size() == 1u);
  BOOST_TEST(first[0]->to_replicas() == 6);
  BOOST_TEST(first[0]->raw_desired() == 10);
  BOOST_TEST(str(first[0]->reason()).find("rate limit") != std::string::npos);
  // Within the period, still lagging at 2 replicas: nothing more.
  BOOST_TEST(scales(h.feed(ev.load(at_s(5), "svc", 2, 3.0))).empty());
  // After the period, from 6 replicas: max(6 + 4, 12) = 12, clamped by max 10.
  auto second = scales(h.feed(ev.load(at_s(16), "svc", 6, 1.5)));
  BOOST_TEST_REQUIRE(second.size() == 1u);
  BOOST_TEST(second[0]->from_replicas() == 6);
  BOOST_TEST(second[0]->to_replicas() == 10);
  BOOST_TEST(str(second[0]->rule()) == "bounds");
}

BOOST_AUTO_TEST_CASE(lagging_samples_do_not_repeat_a_decision_and_lost_ones_are_redone) {
  harness h;
  events ev;
  BOOST_TEST(scales(h.feed(ev.load(at_s(0), "web", 2, 1.35))).size() == 1u); // 2 -> 5
  // The platform has not applied it yet: samples still say 2 replicas.
  for (int t = 15; t <= 105; t += 15)
    BOOST_TEST(scales(h.feed(ev.load(at_s(t), "web", 2, 1.35))).empty());
  // Past the actuation timeout the decision is considered lost and decided again.
  auto again = scales(h.feed(ev.load(at_s(135), "web", 2, 1.35)));
  BOOST_TEST_REQUIRE(again.size() == 1u);
  BOOST_TEST(again[0]->from_replicas() == 2);
  BOOST_TEST(again[0]->to_replicas() == 5);
  // Applied: 5 replicas at 0.54 are within tolerance.
  BOOST_TEST(scales(h.feed(ev.load(at_s(150), "web", 5, 0.54))).empty());
}

BOOST_AUTO_TEST_CASE(oscillating_load_does_not_flap) {
  harness h;
  events ev;
  int replicas = 4;
  std::vector<std::pair<int, int>> decisions;
  // Demand alternates between 3.6 and 1.2 CPU every sample for 10 minutes.
  for (int i = 0; i < 40; ++i) {
    const double demand = i % 2 == 0 ? 3.6 : 1.2;
    for (const auto* d :
         scales(h.feed(ev.load(at_s(15 * i), "svc", replicas, demand / replicas)))) {
      decisions.emplace_back(d->from_replicas(), d->to_replicas());
      replicas = d->to_replicas();
    }
  }
  BOOST_TEST_REQUIRE(!decisions.empty());
  for (const auto& [from, to] : decisions)
    BOOST_TEST(to > from); // never down while it swings
  BOOST_TEST(decisions.size() == 1u);
  BOOST_TEST(replicas == 6);
  // Once it stays low for the window, one scale-down.
  std::vector<std::pair<int, int>> after;
  for (int i = 40; i < 70; ++i)
    for (const auto* d : scales(h.feed(ev.load(at_s(15 * i), "svc", replicas, 1.2 / replicas)))) {
      after.emplace_back(d->from_replicas(), d->to_replicas());
      replicas = d->to_replicas();
    }
  BOOST_TEST_REQUIRE(after.size() == 1u);
  BOOST_TEST(after[0].second == 2);
}

BOOST_DATA_TEST_CASE(forecast_scales_up_ahead_of_a_recurring_spike,
                     boost::unit_test::data::make({forecast_signal::cpu_demand,
                                                   forecast_signal::rps}),
                     signal) {
  operations_config cfg;
  cfg.autoscaling.signal = signal;
  cfg.autoscaling.season_length = 12;
  cfg.autoscaling.horizon = 2;
  harness h(cfg);
  events ev;
  (void)h.feed(ev.policy(t0 - 1000, "svc", 1, 10, 0.6, 30));
  int replicas = 2;
  int forecast_before_spike = 0;
  int spike_seasons = 0;
  for (int i = 0; i < 12 * 8; ++i) {
    const int slot = i % 12;
    const double demand = slot >= 8 && slot <= 10 ? 2.7 : 1.0;
    const double rps = demand * 400.0;
    for (const auto* d :
         scales(h.feed(ev.load(at_s(15 * i), "svc", replicas, demand / replicas, rps)))) {
      BOOST_TEST_MESSAGE("slot " << slot << " " << str(d->reason()));
      if (str(d->rule()) == "forecast") {
        BOOST_TEST(d->forecast_value() > 0.0);
        BOOST_TEST(d->to_replicas() > d->raw_desired());
        if (slot < 8) ++forecast_before_spike;
      }
      replicas = d->to_replicas();
    }
    if (slot == 8 && replicas >= 5) ++spike_seasons;
  }
  // Once the season is learned, the spike is met with capacity already there.
  BOOST_TEST(forecast_before_spike >= 2);
  BOOST_TEST(spike_seasons >= 2);
}

BOOST_AUTO_TEST_CASE(a_single_step_does_not_overshoot_through_the_forecast) {
  harness h;
  events ev;
  int replicas = 2;
  int peak = 0;
  for (int i = 0; i < 60; ++i) {
    const double demand = i < 20 ? 1.0 : 2.7;
    for (const auto* d :
         scales(h.feed(ev.load(at_s(15 * i), "web", replicas, demand / replicas)))) {
      replicas = d->to_replicas();
      peak = std::max(peak, replicas);
    }
  }
  BOOST_TEST(peak == 5); // ceil(2.7 / 0.6): the trend of a step alone is not trusted
}

BOOST_AUTO_TEST_CASE(garbage_samples_are_ignored) {
  harness h;
  events ev;
  BOOST_TEST(h.feed(ev.load(at_s(0), "svc", 0, 0.9)).empty());
  BOOST_TEST(h.feed(ev.load(at_s(1), "svc", 2, -1.0)).empty());
  BOOST_TEST(h.feed(ev.load(at_s(2), "", 2, 0.9)).empty());
  BOOST_TEST(h.feed(ev.load(at_s(3), "svc", 2, std::nan(""))).empty());
  BOOST_TEST(scales(h.feed(ev.load(at_s(4), "svc", 2, 0.9))).size() == 1u);
  // Stale (older) and duplicate (same time) samples change nothing.
  BOOST_TEST(h.feed(ev.load(at_s(3), "svc", 2, 3.0)).empty());
  BOOST_TEST(h.feed(ev.load(at_s(4), "svc", 2, 3.0)).empty());
}

BOOST_AUTO_TEST_SUITE_END()
