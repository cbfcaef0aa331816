#pragma once
// The Analytics agent's tables: one row per (tenant, user) for cohorts and retention, and the
// time index that forgets a user idle for the kept history (actors/kit/expiry_index.hpp). An
// event reads and writes only its user's row.

#include <cstdint>
#include <string>
#include <string_view>

#include "actors/analytics/config.hpp"
#include "actors/analytics/state.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/analytics/text.hpp"
#include "actors/kit/table_slot.hpp"

namespace aetherial::actors::analytics {

/// Users by tenant pseudonym, NUL, keyed user hash (8 bytes, big-endian) (UserRow).
inline constexpr std::string_view users_table = "users";
/// When a user idle for the kept history is forgotten.
inline constexpr std::string_view users_expiry_index = "users.expiry";

using user_slot = kit::table_slot<user_record, &encode_user, &decode_user>;

/// The row key of `user` of `tenant` (a pseudonym).
[[nodiscard]] inline std::string user_key(std::string_view tenant, std::uint64_t user) {
  std::string k(tenant);
  k += '\0';
  for (int shift = 56; shift >= 0; shift -= 8)
    k += static_cast<char>((user >> shift) & 0xffu);
  return k;
}

/// The first event time at which a user is forgotten: a whole kept history (`history_days`)
/// after the day of their latest activity. A user seen again after that starts a new cohort.
[[nodiscard]] constexpr std::int64_t forget_at(const user_record& u,
                                               const analytics_config& cfg) noexcept {
  return (static_cast<std::int64_t>(u.last_day) + cfg.history_days + 1) * day_ms;
}

} // namespace aetherial::actors::analytics
