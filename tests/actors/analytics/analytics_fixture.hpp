#pragma once
// Builders of input envelopes and readers of outputs for the Analytics agent's tests.

#include <cstdint>
#include <string>

#include "actors/analytics/analytics_agent.hpp"
#include "tests/actors/kit/agent_harness.hpp"

namespace aetherial::actors::analytics::test {

using namespace ::aetherial::actors::analytics;
using namespace ::aetherial::actors::test;
using params = pairs;

inline constexpr std::int64_t day = 86'400'000;
inline constexpr std::int64_t hour = 3'600'000;
inline constexpr std::int64_t minute = 60'000;

/// The salt of the tests' deployment (constant-initialized: the conformance suite reads it while
/// its data sets are made, before dynamic initialization is done).
inline constexpr char test_salt[] = "s3cr3t-salt-for-unit-tests-0123456789";

/// A config with the test salt.
inline analytics_config salted() {
  analytics_config cfg;
  cfg.salt = test_salt;
  return cfg;
}

/// One user action to build.
struct action {
  std::string user;
  std::string kind = "page_view";
  std::string feature;
  std::string session;
  std::string experiment;
  std::string variant;
};

/// Builds the Analytics agent's input envelopes.
class events : public envelope_builder {
public:
  events() : envelope_builder(0xa11, "svc:activity") {}

  bytes activity(std::int64_t t, const action& a, const std::string& tenant = "main") {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateUserActivityDirect(b, a.user.c_str(), a.kind.c_str(), a.feature.c_str(),
                                           a.session.c_str(), 0.0, a.experiment.c_str(),
                                           a.variant.c_str());
    return envelope(b, t, tenant, fbs::Payload::UserActivity, p.Union());
  }
  bytes task(std::int64_t t, const std::string& type, const std::string& conversation,
             const params& ps = {}, const std::string& target = "analytics") {
    const auto spec =
        task_spec_of("task-" + conversation, type, target, conversation, "user:analyst", ps);
    return envelope_builder::task(t, spec, "main", "agent:orchestrator");
  }
};

/// The Analytics agent (with the test salt unless told otherwise) and everything it emitted.
struct harness : agent_harness<analytics_agent, kind_name> {
  explicit harness(analytics_config cfg = salted())
      : agent_harness<analytics_agent, kind_name>(std::move(cfg)) {}
};

/// The reply to the only task in `out`.
inline const fbs::Reply& reply_of(const std::vector<emitted>& out) {
  return the_one<fbs::Reply>(out);
}

/// The pseudonym a tenant is kept and its answers keyed under, with the test salt.
inline std::string pseudonym(const std::string& tenant) {
  return tenant_pseudonym(derive_key(test_salt), tenant);
}

/// A user name of the tests.
inline std::string user(int i) {
  return "user-" + std::to_string(100000 + i);
}

} // namespace aetherial::actors::analytics::test
