#pragma once
// The answers to analytics questions, computed from a tenant's state: active users with
// day-over-day change and peak concurrency, popular features, retention and why it moves,
// and A/B verdicts. Pure functions: the same state and day give the same text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/analytics/ab_test.hpp"
#include "actors/analytics/config.hpp"
#include "actors/analytics/state.hpp"

namespace aetherial::actors::analytics {

/// The verdict of an A/B test, with the counts it rests on.
struct ab_verdict {
  std::string experiment;
  std::string variant_a;
  std::string variant_b;
  std::uint64_t users_a = 0;
  std::uint64_t conversions_a = 0;
  std::uint64_t users_b = 0;
  std::uint64_t conversions_b = 0;
  ab_result result;
  std::string reason;
};

/// An answer to one analytics query.
struct report {
  std::string query; ///< "active_users", "popular_features", "retention", "ab_test"
  std::string text;  ///< the answer in words, with the numbers
  std::vector<std::pair<std::string, std::string>> metrics; ///< the numbers, in a fixed order
  bool success = true;               ///< false: the question could not be answered from the data
  bool no_data = false;              ///< nothing recorded for the tenant yet (not a failure)
  std::optional<ab_verdict> verdict; ///< for "ab_test" when the experiment exists
};

/// DAU today and yesterday, WAU, MAU and today's peak concurrency. `t` may be null (no data).
[[nodiscard]] report active_users_report(const tenant_state* t, std::string_view tenant,
                                         std::int32_t today);

/// Active users over `period`: "today" (or ""; the report above), "yesterday", "week" (the
/// last 7 days) or "month" (the last 30 days), each against the period before. Another
/// period is not answered (`success` false).
[[nodiscard]] report active_users_report(const tenant_state* t, std::string_view tenant,
                                         std::int32_t today, std::string_view period);

/// The `k` most used features over the last `days` days, with change from the days before.
[[nodiscard]] report popular_features_report(const tenant_state* t, std::string_view tenant,
                                             std::int32_t today, std::uint32_t k,
                                             std::uint32_t days);

/// Day-1 (and day-7) retention of recent cohorts against earlier ones, the weakest cohort,
/// and the first-day feature whose change explains most of a drop.
[[nodiscard]] report retention_report(const tenant_state* t, const analytics_config& cfg,
                                      std::string_view tenant, std::int32_t today);

/// The two-proportion z-test between two variants of an experiment (empty names: "control"
/// against the first other variant, else the first two variants by name).
[[nodiscard]] report ab_test_report(const tenant_state* t, const analytics_config& cfg,
                                    std::string_view tenant, std::string_view experiment,
                                    std::string_view variant_a, std::string_view variant_b);

} // namespace aetherial::actors::analytics
