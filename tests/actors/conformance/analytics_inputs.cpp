// The Analytics agent's conformance inputs: twelve days of two tenants' activity, an
// experiment, and every kind of question, in event-time order.
#include "tests/actors/analytics/analytics_fixture.hpp"
#include "tests/actors/conformance/inputs.hpp"

namespace aetherial::actors::conformance {

std::vector<bytes> analytics_events() {
  using namespace analytics::test;
  events ev;
  std::vector<bytes> log;
  const std::vector<std::string> features{"search", "export", "share", "alerts", "tour"};
  for (int d = 0; d < 12; ++d) {
    for (int i = 0; i < 120; ++i) {
      const int u = (d * 37 + i * 7) % 400;
      const std::int64_t t = t0 + d * day + 8 * hour + i * 90'000;
      log.push_back(ev.activity(
          t, {user(u), i % 9 == 0 ? "signup" : "login", "", "s" + std::to_string(u + d)},
          i % 5 == 0 ? "shop" : "main"));
      log.push_back(ev.activity(
          t + 1, {user(u), "feature_use", features[(u + d) % 5], "s" + std::to_string(u + d)}));
      log.push_back(ev.activity(t + 2, {user(u), "page_view", "", "s" + std::to_string(u + d),
                                        "exp", u % 2 ? "control" : "new"}));
      if (u % 3 == 0) log.push_back(ev.activity(t + 3, {user(u), "conversion", "", "", "exp", ""}));
      if (i % 10 == 9)
        log.push_back(ev.activity(t + 4, {user(u), "logout", "", "s" + std::to_string(u + d)}));
    }
    log.push_back(
        ev.task(t0 + d * day + 20 * hour, "analytics.active_users", "c-a" + std::to_string(d)));
    if (d % 3 == 2) {
      log.push_back(ev.task(t0 + d * day + 21 * hour, "analytics.popular_features",
                            "c-p" + std::to_string(d)));
      log.push_back(
          ev.task(t0 + d * day + 22 * hour, "analytics.retention", "c-r" + std::to_string(d)));
      log.push_back(ev.task(t0 + d * day + 23 * hour, "analytics.ab_test",
                            "c-x" + std::to_string(d), {{"experiment", "exp"}}));
    }
  }
  return log;
}

} // namespace aetherial::actors::conformance
