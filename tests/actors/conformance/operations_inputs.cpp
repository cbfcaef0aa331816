// The Operations agent's conformance inputs: a mixed log touching every part of the agent.
#include "tests/actors/conformance/inputs.hpp"
#include "tests/actors/operations/operations_fixture.hpp"

namespace aetherial::actors::conformance {

std::vector<bytes> operations_events() {
  using namespace operations::test;
  events ev;
  std::vector<bytes> log;
  log.push_back(ev.policy(at_s(0), "api", 1, 8, 0.5, 120));
  int web = 2;
  for (int i = 0; i < 80; ++i) {
    const std::int64_t t = at_s(15 * i);
    const double demand = i >= 10 && i < 30 ? 2.7 : 1.0;
    log.push_back(ev.load(t, "web", web, demand / web, 400 * demand));
    if (i == 12) web = 5;
    if (i == 55) web = 2;
    log.push_back(ev.load(t + 1, "api", 3, i % 2 ? 0.9 : 0.2));
    if (i % 2 == 0) log.push_back(ev.telemetry(t + 2, i < 40 ? 1 : 2, i < 20 ? 1000 * i : 0, 200));
    if (i % 4 == 0)
      log.push_back(ev.slow_query(t + 3, "web", "orders", {"customer_id"}, i < 30 ? 900 : 60, 100));
    if (i % 4 == 2) log.push_back(ev.cache(t + 4, "web", "profiles", i < 30 ? 0.5 : 0.9, 30, 0.95));
  }
  log.push_back(ev.incident(at_s(100), "inc-db", "db", "db_timeout"));
  log.push_back(ev.outcome(at_s(130), "inc-db", "db", "restart_connection_pool", false));
  log.push_back(ev.check(at_s(170), "db", true));
  for (int k = 0; k < 4; ++k)
    log.push_back(ev.incident(at_s(200 + 100 * k), "inc-p" + std::to_string(k), "payments",
                              "http_5xx_burst"));
  log.push_back(ev.incident(at_s(300), "inc-disk", "web", "disk_full"));
  sort_by_event_time(log);
  return log;
}

} // namespace aetherial::actors::conformance
