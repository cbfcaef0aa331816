#include "tests/actors/conformance/inputs.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "actors/analytics/state_codec.hpp"
#include "actors/content/state_codec.hpp"
#include "actors/development/state_codec.hpp"
#include "actors/operations/state_codec.hpp"
#include "actors/orchestrator/state_codec.hpp"
#include "actors/security/state_codec.hpp"
#include "actors/support/state_codec.hpp"
#include "schemas/envelope.hpp"
#include "tests/actors/analytics/analytics_fixture.hpp"

namespace aetherial::actors::conformance {

const std::vector<kind_inputs>& all_inputs() {
  static const std::vector<kind_inputs> inputs = {
      {"operations",
       {},
       "AOPS",
       &operations_events,
       {"platform.metrics", "platform.health", "aetherial.telemetry", "aetherial.tasks"},
       4,
       operations::state_encoding_version,
       operations::min_state_encoding_version,
       {"operations-v3.snapshot"}},
      {"orchestrator",
       {},
       "AORC",
       &orchestrator_events,
       {"aetherial.commands", "aetherial.tasks", "aetherial.effect-results"},
       3,
       orchestrator::state_encoding_version,
       orchestrator::min_state_encoding_version,
       {"orchestrator-v2.snapshot"}},
      {"support",
       {},
       "ASU3",
       &support_events,
       {"platform.support", "aetherial.tasks", "platform.feedback", "aetherial.broadcast"},
       3,
       support::state_encoding_version,
       support::min_state_encoding_version,
       {"support-v1.snapshot", "support-v2.snapshot"}},
      {"content",
       {},
       "ACNT",
       &content_events,
       {"platform.content", "platform.feedback", "aetherial.tasks", "aetherial.effect-results",
        "platform.support", "aetherial.broadcast"},
       2,
       content::state_encoding_version,
       content::min_state_encoding_version,
       {"content-v1.snapshot"}},
      {"security",
       {},
       "ASEC",
       &security_events,
       {"platform.requests", "platform.feedback", "aetherial.repartition"},
       3,
       security::state_encoding_version,
       security::min_state_encoding_version,
       {"security-v1.snapshot", "security-v2.snapshot"}},
      {"analytics",
       {{"analytics.salt", analytics::test::test_salt}},
       "AAN4",
       &analytics_events,
       {"platform.activity", "aetherial.tasks"},
       5,
       analytics::state_encoding_version,
       analytics::min_state_encoding_version,
       {"analytics-v1.snapshot", "analytics-v4.snapshot"}},
      {"development",
       {},
       "ADEV",
       &development_events,
       {"platform.dev", "aetherial.tasks", "aetherial.effect-results"},
       3,
       development::state_encoding_version,
       development::min_state_encoding_version,
       {"development-v2.snapshot"}},
  };
  return inputs;
}

bytes former_snapshot(const std::string& name) {
  std::ifstream in(std::string(AETHERIAL_CONFORMANCE_DIR) + "/former/" + name, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
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
