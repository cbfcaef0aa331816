#include "tests/actors/conformance/inputs.hpp"

#include <algorithm>

#include "schemas/envelope.hpp"
#include "tests/actors/analytics/analytics_fixture.hpp"

namespace aetherial::actors::conformance {

const std::vector<kind_inputs>& all_inputs() {
  static const std::vector<kind_inputs> inputs = {
      {"operations", {}, "AOPS", &operations_events},
      {"orchestrator", {}, "AORC", &orchestrator_events},
      {"support", {}, "ASUP", &support_events},
      {"content", {}, "ACNT", &content_events},
      {"security", {}, "ASEC", &security_events},
      {"analytics", {{"analytics.salt", analytics::test::test_salt}}, "AANL", &analytics_events},
      {"development", {}, "ADEV", &development_events},
  };
  return inputs;
}

const kind_inputs* find_inputs(std::string_view kind) {
  for (const auto& k : all_inputs())
    if (k.kind == kind) return &k;
  return nullptr;
}

void sort_by_event_time(std::vector<bytes>& log) {
  auto time_of = [](const bytes& b) {
    std::string why;
    return schemas::verify_envelope(b.data(), b.size(), schemas::default_max_event_bytes, &why)
        ->event_time_ms();
  };
  std::stable_sort(log.begin(), log.end(),
                   [&](const bytes& a, const bytes& b) { return time_of(a) < time_of(b); });
}

} // namespace aetherial::actors::conformance
