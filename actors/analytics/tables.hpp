#pragma once
// The Analytics agent's tables: one row per (tenant, user) for cohorts and retention, one per
// experiment member, and the time index that forgets a user idle for the kept history
// (actors/kit/expiry_index.hpp). An event reads and writes only its user's and member's rows.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/analytics/config.hpp"
#include "actors/analytics/state.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/analytics/text.hpp"
#include "actors/kit/table_slot.hpp"

namespace aetherial::actors::analytics {

/// Users by tenant pseudonym, NUL, keyed user hash (8 bytes, big-endian) (UserRow).
inline constexpr std::string_view users_table = "users";
/// Experiment members by tenant pseudonym, NUL, experiment name length (4 bytes, big-endian),
/// name, keyed user hash (8 bytes, big-endian) (MemberRow).
inline constexpr std::string_view members_table = "members";
/// Active sessions by tenant pseudonym, NUL, keyed session hash (8 bytes, big-endian)
/// (SessionRow).
inline constexpr std::string_view sessions_table = "sessions";
/// The same sessions by tenant pseudonym, NUL, last event time (an expiry_index entry: the
/// time big-endian, sign flipped, then the hash): each tenant's sessions in the order they
/// go quiet, on the tenant's own clock. Values are empty.
inline constexpr std::string_view sessions_order_table = "sessions.order";
/// Days of a tenant's activity by tenant pseudonym, NUL, day number (4 bytes, big-endian, sign
/// flipped: byte order is day order) (Day).
inline constexpr std::string_view days_table = "days";
/// Cohorts by tenant pseudonym, NUL, cohort day, keyed like the days (Cohort).
inline constexpr std::string_view cohorts_table = "cohorts";
/// When a user idle for the kept history is forgotten.
inline constexpr std::string_view users_expiry_index = "users.expiry";

using user_slot = kit::table_slot<user_record, &encode_user, &decode_user>;

/// The row key of `user` of `tenant` (a pseudonym): the tenant, NUL, the hash big-endian.
[[nodiscard]] inline std::string user_key(std::string_view tenant, std::uint64_t user) {
  std::string k(tenant);
  k += '\0';
  for (int shift = 56; shift >= 0; shift -= 8)
    k += static_cast<char>((user >> shift) & 0xffu);
  return k;
}

/// The first key of the members of `experiment` of `tenant`; with `user_key_suffix` appended,
/// a member's row key. Every member of the experiment has this prefix, and no other row has.
[[nodiscard]] inline std::string members_prefix(std::string_view tenant,
                                                std::string_view experiment) {
  std::string k(tenant);
  k += '\0';
  const auto n = static_cast<std::uint32_t>(experiment.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    k += static_cast<char>((n >> shift) & 0xffu);
  k += experiment;
  return k;
}

/// The row key of member `user` of `experiment` of `tenant`.
[[nodiscard]] inline std::string member_key(std::string_view tenant, std::string_view experiment,
                                            std::uint64_t user) {
  std::string k = members_prefix(tenant, experiment);
  for (int shift = 56; shift >= 0; shift -= 8)
    k += static_cast<char>((user >> shift) & 0xffu);
  return k;
}

/// The row key of `day` of `tenant` in "days" or "cohorts".
[[nodiscard]] inline std::string day_key(std::string_view tenant, std::int32_t day) {
  std::string k(tenant);
  k += '\0';
  const auto flipped = static_cast<std::uint32_t>(day) ^ 0x8000'0000u;
  for (int shift = 24; shift >= 0; shift -= 8)
    k += static_cast<char>((flipped >> shift) & 0xffu);
  return k;
}

/// Erases every row of `table` whose key starts with `prefix`.
inline void erase_prefix(table_store& tables, std::string_view table, const std::string& prefix) {
  std::vector<std::string> keys;
  tables.scan(table, prefix, {}, [&](std::string_view k, const bytes&) {
    if (k.substr(0, prefix.size()) != prefix) return false;
    keys.emplace_back(k);
    return true;
  });
  for (const auto& k : keys)
    tables.erase(table, k);
}

/// The first event time at which a user is forgotten: a whole kept history (`history_days`)
/// after the day of their latest activity. A user seen again after that starts a new cohort.
[[nodiscard]] constexpr std::int64_t forget_at(const user_record& u,
                                               const analytics_config& cfg) noexcept {
  return (static_cast<std::int64_t>(u.last_day) + cfg.history_days + 1) * day_ms;
}

} // namespace aetherial::actors::analytics
