#pragma once
// The Security agent's tables: one row per requester (IP, user) and per subject, the distinct
// sources of the current bucket, and the time indexes that expire them (actors/kit/
// expiry_index.hpp). An event reads and writes only the rows it concerns.

#include <cstdint>
#include <string_view>

#include "actors/kit/table_slot.hpp"
#include "actors/security/config.hpp"
#include "actors/security/state.hpp"
#include "actors/security/state_codec.hpp"

namespace aetherial::actors::security {

/// Requesters by IP and by user reference (RequesterRow).
inline constexpr std::string_view ips_table = "ips";
inline constexpr std::string_view users_table = "users";
/// Offenses, blocks and bans by subject ("ip:…", "user:…") (SubjectRow).
inline constexpr std::string_view subjects_table = "subjects";
/// The distinct IPs of the current bucket (empty values).
inline constexpr std::string_view bucket_sources_table = "bucket_sources";
/// Time indexes: when a requester or subject may be forgotten, when a block ends, when a
/// proposed ban's approval window closes.
inline constexpr std::string_view ips_expiry_index = "ips.expiry";
inline constexpr std::string_view users_expiry_index = "users.expiry";
inline constexpr std::string_view subjects_expiry_index = "subjects.expiry";
inline constexpr std::string_view unblock_due_index = "unblock.due";
inline constexpr std::string_view ban_due_index = "ban.due";

using requester_slot = kit::table_slot<requester_record, &encode_requester, &decode_requester>;
using subject_slot = kit::table_slot<subject_record, &encode_subject, &decode_subject>;

/// Whether `name` (an IP or user reference) can key a requester and its subject in a table and
/// an index. Longer names are not tracked (a request carries them only to attack the agent).
[[nodiscard]] constexpr bool trackable(std::string_view name) noexcept {
  return !name.empty() && name.size() <= max_table_key_bytes - 16;
}

/// The first event time at which an idle requester is forgotten.
[[nodiscard]] constexpr std::int64_t forget_at(const requester_record& r,
                                               const security_config& cfg) noexcept {
  return r.last_seen_ms + cfg.idle_forget_ms + 1;
}

/// The first event time at which a subject can be forgotten: idle, no block in force, no ban
/// pending and its offenses out of the window. A banned subject is kept for good (nullopt).
[[nodiscard]] std::optional<std::int64_t> forget_at(const subject_record& r,
                                                    const security_config& cfg) noexcept;

/// Whether a subject is forgotten at `now`.
[[nodiscard]] bool forgotten(const subject_record& r, const security_config& cfg,
                             std::int64_t now) noexcept;

} // namespace aetherial::actors::security
