#pragma once
// Recording one user action into a tenant's state: day sketches, top features, cohorts,
// concurrent sessions and experiments.

#include <cstdint>
#include <string_view>

#include "actors/analytics/config.hpp"
#include "actors/analytics/state.hpp"
#include "actors/kit/expiry_index.hpp"
#include "actors/table.hpp"

namespace aetherial::actors::analytics {

/// One user action, with the user and session already replaced by keyed hashes.
struct activity {
  std::uint64_t user = 0;    ///< keyed hash of the user reference
  std::uint64_t session = 0; ///< keyed hash of the session (of the user when it has none)
  std::string_view kind;     ///< "login", "feature_use", "conversion", "logout", ...
  std::string_view feature;
  std::string_view experiment;
  std::string_view variant;
  std::int64_t time_ms = 0;
};

/// Where a tenant's users and experiment members are: the agent's tables, the tenant's
/// pseudonym, and the index that forgets idle users.
struct user_rows {
  table_store& tables;
  std::string_view tenant;
  const kit::expiry_index& expiry;
};

/// Records `a` into `t` and its user's row; events older than the kept history are ignored.
void record_activity(tenant_state& t, const analytics_config& cfg, const activity& a,
                     const user_rows& users);

/// Counts one use of `feature` in a Space-Saving summary of at most `capacity` counters:
/// a new feature in a full summary replaces the smallest counter (ties: the greatest name)
/// and inherits its count as error bound.
void count_feature(std::map<std::string, feature_counter>& top, std::string_view feature,
                   std::size_t capacity);

/// Whether an activity kind counts as a conversion in experiments.
[[nodiscard]] bool is_conversion(std::string_view kind) noexcept;

} // namespace aetherial::actors::analytics
