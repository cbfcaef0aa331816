#pragma once
// The versioned binary encoding of an Analytics agent's state.
//
// Layout: "AANL", u32 version, u64 body length, body, u64 FNV-1a of the body (see wire.hpp).
// The body starts with the fingerprint of the salt's key, so that a snapshot is only ever
// restored under the salt its hashes were made with. HyperLogLog registers are stored whole.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/analytics/state.hpp"

namespace aetherial::actors::analytics {

/// Version of the state encoding written by encode_state.
inline constexpr std::uint32_t state_encoding_version = 1;
/// The oldest state version `restore` reads.
inline constexpr std::uint32_t min_state_encoding_version = 1;

/// Encodes the whole state, tagged with `key_fingerprint`.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const analytics_state& s,
                                                     std::uint64_t key_fingerprint);

/// Decodes a state; nullopt for any truncated, corrupt, inconsistent or unknown-version
/// input, and for one encoded under another key fingerprint.
[[nodiscard]] std::optional<analytics_state>
decode_state(const std::uint8_t* data, std::size_t size, std::uint64_t key_fingerprint);

} // namespace aetherial::actors::analytics
