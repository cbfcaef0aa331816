#pragma once
// The state encoding of an Analytics agent: a FlatBuffer of schemas/state/analytics.fbs
// (identifier "AAN5"), maps as vectors sorted by key: the same state always gives the same
// bytes. The state carries the fingerprint of the salt's key, so that a snapshot is only ever
// restored under the salt its hashes were made with. HyperLogLog registers are stored whole.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/analytics/state.hpp"
#include "actors/kit/state_codec.hpp"

namespace aetherial::actors::analytics {

/// Version 5: the users, experiment members, active sessions, days and cohorts are rows of the
/// "users", "members", "sessions", "days" and "cohorts" tables (UserRow, MemberRow, SessionRow,
/// Day, Cohort), no longer in the snapshot;
/// tenants by pseudonym (`tenant_pseudonym`). Older snapshots are refused (the partition is
/// rebuilt from the log): version 4 held every active session, day and cohort, version 3 every user
/// and member, version 2 kept the record key as the tenant's name, possibly a raw user id;
/// `decode_state` refuses any tenant that is not a pseudonym.
AETHERIAL_STATE_ENCODING(5, 5, "AAN5")

/// A row of the "users" table and back. Decoding throws std::runtime_error for a row the agent
/// could not have written.
[[nodiscard]] std::vector<std::uint8_t> encode_user(const user_record& u);
[[nodiscard]] user_record decode_user(const std::vector<std::uint8_t>& value);
/// A row of the "members" table (a member's assignment) and back, likewise.
[[nodiscard]] std::vector<std::uint8_t> encode_member(std::uint8_t assignment);
[[nodiscard]] std::uint8_t decode_member(const std::vector<std::uint8_t>& value);
/// A row of the "days" table (one day of a tenant) and back, likewise.
[[nodiscard]] std::vector<std::uint8_t> encode_day(std::int32_t day, const day_stats& d);
[[nodiscard]] std::pair<std::int32_t, day_stats> decode_day(const std::vector<std::uint8_t>& value);
/// A row of the "cohorts" table (one cohort of a tenant) and back, likewise.
[[nodiscard]] std::vector<std::uint8_t> encode_cohort(std::int32_t day, const cohort_stats& c);
[[nodiscard]] std::pair<std::int32_t, cohort_stats>
decode_cohort(const std::vector<std::uint8_t>& value);
/// A row of the "sessions" table (a session's last event time) and back, likewise.
[[nodiscard]] std::vector<std::uint8_t> encode_session(std::int64_t last_ms);
[[nodiscard]] std::int64_t decode_session(const std::vector<std::uint8_t>& value);

/// One partition's part of a question about a tenant (a TenantPart: its days, cohorts and
/// cohort feature names; nullptr: the partition does not hold the tenant) and back. Decoding
/// throws std::runtime_error for bytes no partition could have written.
[[nodiscard]] std::vector<std::uint8_t> encode_part(const tenant_state* t);
[[nodiscard]] std::optional<tenant_state> decode_part(const std::vector<std::uint8_t>& value);

/// Encodes the whole state, tagged with `key_fingerprint`.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const analytics_state& s,
                                                     std::uint64_t key_fingerprint);

/// Decodes a state; nullopt for anything encode_state would not have written (a buffer that
/// does not verify, a foreign identifier, inconsistent values, a tenant that is not a
/// pseudonym, a name holding personal data), and for one encoded under another key
/// fingerprint.
[[nodiscard]] std::optional<analytics_state>
decode_state(const std::uint8_t* data, std::size_t size, std::uint64_t key_fingerprint);

} // namespace aetherial::actors::analytics
