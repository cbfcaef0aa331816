#pragma once
// Every setting of the Analytics agent, each documented beside its default.
// Owned by actors/analytics; copied into an agent when it is created and never changed while
// the agent lives. Config is not state: it is not part of a snapshot (the salt never is).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::analytics {

/// Configuration of the Analytics agent.
struct analytics_config {
  /// Secret salt of the keyed hash applied to user and session references (setting
  /// "analytics.salt"). Without a salt of at least `min_salt_bytes` the agent refuses: it
  /// records nothing and answers every task with status "refused". No default: an empty or
  /// well-known salt would let anyone recompute the hashes from guessed ids.
  std::string salt;
  std::size_t min_salt_bytes = 16; ///< shorter salts are refused

  /// A question about a tenant asks every partition (actors/analytics/gather.hpp) and waits
  /// this long, in event time, for their parts before answering from those it has.
  std::int64_t gather_timeout_ms = 10'000;

  std::string default_tenant = "main"; ///< tenant of unkeyed activity and of tasks without one
  std::uint32_t max_tenants = 16;      ///< tenants per partition (least recently active evicted)

  // History, in UTC days of event time.
  std::uint32_t history_days = 40; ///< day buckets and cohorts kept (covers MAU + comparisons)
  std::uint32_t retention_horizon_days = 30; ///< retention tracked for days 0..30 after the first

  // Features.
  std::uint32_t top_features_per_day = 128; ///< Space-Saving counters per day
  std::uint32_t max_cohort_features = 64;   ///< features followed in cohorts (first seen first)
  std::uint32_t popular_window_days = 7;    ///< "most popular" looks at this many days
  std::uint32_t default_top_k = 5;          ///< features listed when a task gives no "k"
  std::uint32_t max_top_k = 50;             ///< largest "k" a task may ask for

  // Users and sessions.
  std::int64_t session_timeout_ms = 5 * 60'000; ///< a session is active this long after an event
  std::uint32_t max_active_sessions = 100'000;  ///< per tenant (oldest evicted)

  // Retention analysis.
  std::uint32_t retention_window_cohorts = 7; ///< cohort days per compared window
  double retention_drop_points = 2.0;         ///< a fall of this many points is a drop
  std::uint32_t min_feature_users = 5;        ///< a feature needs this many first-day users

  // A/B tests.
  std::uint32_t max_experiments = 32;          ///< per tenant (least recently active evicted)
  std::uint32_t max_variants = 8;              ///< per experiment; further variants ignored
  std::uint32_t max_experiment_users = 20'000; ///< per experiment; later users not enrolled
  double ab_alpha = 0.05;                      ///< two-sided significance level
  std::uint32_t ab_min_users = 30;             ///< users per variant before any verdict
};

/// Name of the agent kind: the prefix of its settings ("<kind>.<name>") and the emitter name
/// in derived event ids.
inline constexpr std::string_view kind_name = "analytics";

/// The defaults with the "analytics." settings applied; a bad value keeps its default
/// (`check_settings` reports it).
[[nodiscard]] analytics_config config_from(const agent_settings& settings);

/// Bad values and unknown keys among the "analytics." settings; empty when they are fine.
[[nodiscard]] std::vector<std::string> check_settings(const agent_settings& settings);

} // namespace aetherial::actors::analytics
