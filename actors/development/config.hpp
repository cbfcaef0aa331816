#pragma once
// Every threshold of the Development agent, each documented beside its default.
// A config is copied into an agent when it is created and never changes while the agent
// lives; it is not part of a snapshot. `agent_settings` keys are "development.<field>".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::development {

/// Failure clustering and flaky-test detection.
struct testing_config {
  /// A cluster is reported once this many distinct tests fail with its signature.
  std::uint32_t cluster_min_tests = 2;
  std::uint32_t max_cluster_tests = 64; ///< test names kept per cluster
  std::uint32_t signature_length = 160; ///< normalized signatures are cut to this length
  /// A test is flaky after this many pass/fail flips on one commit; reported again each
  /// time its flip count doubles.
  std::uint32_t flaky_min_flips = 1;
  std::uint32_t commits_per_test = 16; ///< commits remembered per test for flip detection
  /// A test without a result for this long (event time) is forgotten ("test_idle_ms").
  std::int64_t test_idle_ms = 30 * 86'400'000LL;
  /// A cluster without a failure for this long is forgotten ("cluster_idle_ms").
  std::int64_t cluster_idle_ms = 14 * 86'400'000LL;
};

/// Deploy gates and the post-deploy watch.
struct deploy_config {
  /// Environments whose deploys need an approval besides passing tests.
  std::vector<std::string> approval_environments = {"production"};
  std::string default_environment = "production"; ///< when a task names none
  std::int64_t watch_ms = 15 * 60'000;            ///< post-deploy watch length
  double baseline_alpha = 0.2;                    ///< EWMA weight of a pre-deploy error-rate sample
  double baseline_floor = 0.001;                  ///< baselines below this count as this (0.1 %)
  double elevated_ratio = 2.0;                    ///< elevated: rate >= ratio x baseline ...
  double elevated_delta = 0.01;                   ///< ... and >= baseline + delta (1 point)
  std::uint32_t elevated_samples = 2; ///< consecutive elevated samples to recommend rollback
  double severe_ratio = 5.0;          ///< severe: rate >= ratio x baseline ...
  double severe_delta = 0.05;         ///< ... and >= baseline + delta (5 points)
  std::int64_t retention_ms = 24 * 3'600'000; ///< finished deploys kept for deduplication
  /// Roles whose verified holders may ask for a deploy (setting
  /// "development.deployer_roles"); a deploy task from anyone else is refused and audited.
  std::vector<std::string> deployer_roles = {"admin", "developer"};
};

/// Review assignment by learned path ownership.
struct review_config {
  std::string fallback_reviewer = "maintainers"; ///< when nobody owns the touched paths
  /// A path prefix nobody wrote or reviewed below for this long is forgotten
  /// ("owner_idle_ms").
  std::int64_t owner_idle_ms = 365 * 86'400'000LL;
  /// A review not approved within this long is forgotten, and no longer counts as open for
  /// its reviewer ("change_ttl_ms").
  std::int64_t change_ttl_ms = 30 * 86'400'000LL;
};

/// Everything the Development agent is configured with.
struct development_config {
  testing_config testing;
  deploy_config deploy;
  review_config review;
  std::uint32_t max_code_requests = 1024; ///< code generations awaiting a result
};

/// Name of the agent kind: the prefix of its settings ("<kind>.<name>") and the emitter name
/// in derived event ids.
inline constexpr std::string_view kind_name = "development";

/// The defaults overridden by `settings`: "development.watch_minutes" (a positive number),
/// "development.approval_environments" (comma-separated), "development.fallback_reviewer",
/// "development.severe_ratio", "development.elevated_ratio" (positive numbers),
/// "development.test_idle_ms", "development.cluster_idle_ms", "development.owner_idle_ms",
/// "development.change_ttl_ms" (non-negative integers). Bad values
/// keep their defaults (`check_settings` reports them).
[[nodiscard]] development_config config_from(const agent_settings& settings);

/// Bad values and unknown keys among the "development." settings; empty when they are fine.
[[nodiscard]] std::vector<std::string> check_settings(const agent_settings& settings);

} // namespace aetherial::actors::development
