#pragma once
// Analytics questions that span partitions (actors/kit/gather.hpp): when activity is spread
// over partitions (keyed by user, or tenants sharing them), each partition holds part of a
// tenant's days and cohorts. Each partition sends the days and cohorts a question looks at; the
// gathering instance merges them into one tenant and answers with the same report functions as
// for a tenant held whole (reports.hpp). The merge is exact for what the answers use: the
// HyperLogLog union of a day's users, summed events, feature counts and cohort counts. A day's
// peak concurrency is the largest of the partitions' peaks: a lower bound when sessions of
// one day are spread over partitions.

#include <cstdint>
#include <string_view>
#include <vector>

#include "actors/analytics/config.hpp"
#include "actors/analytics/state.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::analytics {

/// Queries answered across partitions; the others (A/B tests) from the task's partition.
[[nodiscard]] bool gathered_query(std::string_view query) noexcept;

/// The part of `t` (nullptr: this partition does not hold the tenant) that `query` on `today`
/// looks at, encoded (state_codec.hpp `encode_part`).
[[nodiscard]] std::vector<std::uint8_t> tenant_part(const tenant_state* t, std::string_view query,
                                                    const kit::analytics_params& params,
                                                    const analytics_config& cfg,
                                                    std::int32_t today);

/// Merges a decoded part into `into`; `found` says whether any part held the tenant.
void merge_part(tenant_state& into, bool& found, const std::vector<std::uint8_t>& part,
                const analytics_config& cfg);

} // namespace aetherial::actors::analytics
