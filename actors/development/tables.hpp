#pragma once
// The Development agent's tables: what it learns per repo (one service) grows with the
// platform, so it is kept one row per repo, per test, per failure signature, per path prefix
// and per change under review, each forgotten by a time index when idle
// (actors/kit/expiry_index.hpp). An event reads and writes only the rows it concerns.
//
// Keys of the per-repo tables are the repo's length (4 bytes, big-endian), the repo, then the
// name: no repo or name can make another's key, and a repo's rows are one range.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/development/config.hpp"
#include "actors/development/state.hpp"
#include "actors/development/state_codec.hpp"
#include "actors/kit/expiry_index.hpp"
#include "actors/kit/table_slot.hpp"

namespace aetherial::actors::development {

/// Repos by name (RepoRow): open review counts and the error-rate baseline.
inline constexpr std::string_view repos_table = "repos";
/// Tests by (repo, test name) (TestHistory).
inline constexpr std::string_view tests_table = "tests";
/// Failure clusters by (repo, signature) (FailureCluster).
inline constexpr std::string_view clusters_table = "clusters";
/// Path ownership by (repo, path prefix) (OwnerRow).
inline constexpr std::string_view owners_table = "owners";
/// Changes under review by (repo, change id) (ChangeRecord).
inline constexpr std::string_view changes_table = "changes";
/// Time indexes: when an idle test, cluster or prefix is forgotten, when an open review lapses.
inline constexpr std::string_view tests_expiry_index = "tests.expiry";
inline constexpr std::string_view clusters_expiry_index = "clusters.expiry";
inline constexpr std::string_view owners_expiry_index = "owners.expiry";
inline constexpr std::string_view changes_expiry_index = "changes.expiry";

using repo_slot = kit::table_slot<repo_state, &encode_repo, &decode_repo>;
using test_slot = kit::table_slot<test_history, &encode_test, &decode_test>;
using cluster_slot = kit::table_slot<failure_cluster, &encode_cluster, &decode_cluster>;
using owner_slot = kit::table_slot<owner_record, &encode_owner, &decode_owner>;
using change_slot = kit::table_slot<change_record, &encode_change, &decode_change>;

/// The key of `name` in a per-repo table; nullopt when it is too long to key a row and its
/// index entry (a name no real repo has: such an event is handled without memory).
[[nodiscard]] inline std::optional<std::string> row_key(std::string_view repo,
                                                        std::string_view name) {
  const std::size_t size = 4 + repo.size() + name.size();
  if (size > max_table_key_bytes - 16) return std::nullopt;
  std::string key;
  key.reserve(size);
  const auto n = static_cast<std::uint32_t>(repo.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((n >> shift) & 0xff));
  key.append(repo);
  key.append(name);
  return key;
}

/// The repo of a per-repo key (empty when the key is not one).
[[nodiscard]] inline std::string_view repo_of(std::string_view key) {
  if (key.size() < 4) return {};
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i)
    n = (n << 8) | static_cast<unsigned char>(key[static_cast<std::size_t>(i)]);
  return n > key.size() - 4 ? std::string_view{} : key.substr(4, n);
}

/// Whether `repo` can key a row of "repos" (and a per-repo key with a short name).
[[nodiscard]] constexpr bool rememberable(std::string_view repo) noexcept {
  return !repo.empty() && repo.size() <= max_table_key_bytes / 2;
}

/// Whether a repo's row holds nothing worth a row (no open review, no baseline yet).
[[nodiscard]] inline bool holds_nothing(const repo_state& r) noexcept {
  return r.open_reviews.empty() && r.baseline_samples == 0;
}

/// The first watermarks at which an idle test, cluster or prefix is forgotten and an open
/// review lapses.
[[nodiscard]] constexpr std::int64_t forget_at(const test_history& t,
                                               const development_config& cfg) noexcept {
  return kit::after(t.last_ms, cfg.testing.test_idle_ms);
}
[[nodiscard]] constexpr std::int64_t forget_at(const failure_cluster& c,
                                               const development_config& cfg) noexcept {
  return kit::after(c.last_seen_ms, cfg.testing.cluster_idle_ms);
}
[[nodiscard]] constexpr std::int64_t forget_at(const owner_record& o,
                                               const development_config& cfg) noexcept {
  return kit::after(o.last_ms, cfg.review.owner_idle_ms);
}
[[nodiscard]] constexpr std::int64_t forget_at(const change_record& c,
                                               const development_config& cfg) noexcept {
  return kit::after(c.requested_ms, cfg.review.change_ttl_ms);
}

} // namespace aetherial::actors::development
