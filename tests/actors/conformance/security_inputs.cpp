// The Security agent's conformance inputs: request traffic with a burst, a spread flood, a
// botnet, injections, a brute force and an approved ban, in event-time order.
#include "tests/actors/conformance/inputs.hpp"
#include "tests/actors/security/security_fixture.hpp"

namespace aetherial::actors::conformance {

std::vector<bytes> security_events() {
  using namespace security::test;
  events ev;
  std::vector<bytes> log;
  for (int m = 0; m < 40; ++m) {
    for (int i = 0; i < 60; ++i) {
      const std::int64_t t = at_s(60.0 * m + i * 0.9);
      log.push_back(ev.request(t, "10.1.0." + std::to_string(i % 12), "u-" + std::to_string(i % 7),
                               {{"q", i % 2 ? "shoes" : "O'Brien"}}));
      if (m == 12) log.push_back(ev.request(t + 1, "10.1.0.1")); // a burst of one IP
      if (m == 20 && i < 40) log.push_back(ev.request(t + 2, "172.16.5." + std::to_string(i)));
      if (m >= 25 && m < 27) {
        for (int a = 0; a < 6; ++a)
          log.push_back(ev.request(t + 3 + a, "192.0.2." + std::to_string(20 + a)));
      }
    }
    if (m % 5 == 1)
      log.push_back(ev.request(at_s(60.0 * m + 55), "203.0.113.66", "", {{"q", "' or 1=1--"}}));
    if (m == 3)
      for (int k = 0; k < 12; ++k)
        log.push_back(ev.login(at_s(60.0 * m + 56 + k * 0.2), "198.51.100.3", "bob", false));
    if (m == 30) log.push_back(ev.approval(at_s(60.0 * m + 57), "ip:203.0.113.66", true));
  }
  sort_by_event_time(log);
  return log;
}

} // namespace aetherial::actors::conformance
