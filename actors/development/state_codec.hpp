#pragma once
// The encoding of a Development agent's state: schemas/state/development.fbs, a FlatBuffer
// with the file identifier "ADV3" (actors/kit/state_codec.hpp) for the scalar state, and the
// rows of its tables (RepoRow, TestHistory, FailureCluster, OwnerRow, ChangeRecord). Maps are
// entries in key order, so the same state always gives the same bytes. Version 2 kept every
// repo's tests, clusters, owners and changes in the snapshot, and version 1 was the former
// "ADEV" byte layout: neither is read any more (recovery rebuilds such a partition from the
// log).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/development/state.hpp"
#include "actors/kit/state_codec.hpp"
#include "actors/table.hpp"

namespace aetherial::actors::development {

AETHERIAL_STATE_CODEC(development_state, 3, 3, "ADV3")

/// Rows of the tables and back. Decoding throws std::runtime_error for a row the agent could
/// not have written.
[[nodiscard]] bytes encode_repo(const repo_state& r);
[[nodiscard]] repo_state decode_repo(const bytes& value);
[[nodiscard]] bytes encode_test(const test_history& t);
[[nodiscard]] test_history decode_test(const bytes& value);
[[nodiscard]] bytes encode_cluster(const failure_cluster& c);
[[nodiscard]] failure_cluster decode_cluster(const bytes& value);
[[nodiscard]] bytes encode_owner(const owner_record& o);
[[nodiscard]] owner_record decode_owner(const bytes& value);
[[nodiscard]] bytes encode_change(const change_record& c);
[[nodiscard]] change_record decode_change(const bytes& value);

} // namespace aetherial::actors::development
