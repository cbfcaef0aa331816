#pragma once
// The keyed hash that replaces user and session references inside the Analytics agent.
//
// SipHash-2-4 under a 128-bit key derived from the deployment's secret salt. Without the
// salt a hash cannot be recomputed from a guessed id, so neither state nor outputs carry
// anything that identifies a user.

#include <cstdint>
#include <string>
#include <string_view>

namespace aetherial::actors::analytics {

/// The 128-bit SipHash key derived from a salt; lives in the agent, never in a snapshot.
struct hash_key {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
};

/// Derives the key from the salt (two SplitMix64 chains over its bytes).
[[nodiscard]] hash_key derive_key(std::string_view salt) noexcept;

/// SipHash-2-4 of `data` under `key`.
[[nodiscard]] std::uint64_t siphash24(const hash_key& key, std::string_view data) noexcept;

/// The hash of `value` in a domain ("user", "session"), so equal strings of different
/// domains hash apart.
[[nodiscard]] std::uint64_t keyed_hash(const hash_key& key, std::string_view domain,
                                       std::string_view value);

/// The name a tenant is kept and emitted under: the keyed hash of its name (domain "tenant")
/// as 16 lower-case hex digits. The record key of an activity (a site, or by mistake a user
/// id) never enters the state or an output as it was written; a task asking for a tenant by
/// name finds it by hashing the name the same way.
[[nodiscard]] std::string tenant_pseudonym(const hash_key& key, std::string_view tenant);

/// Whether `name` has the form of a tenant pseudonym (16 lower-case hex digits).
[[nodiscard]] bool is_tenant_pseudonym(std::string_view name) noexcept;

/// A fingerprint of the key, stored in snapshots so that a snapshot taken under another
/// salt is refused; it reveals nothing about the salt.
[[nodiscard]] std::uint64_t key_fingerprint(const hash_key& key) noexcept;

} // namespace aetherial::actors::analytics
