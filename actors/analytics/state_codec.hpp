#pragma once
// The state encoding of an Analytics agent: a FlatBuffer of schemas/state/analytics.fbs
// (identifier "AANL"), maps as vectors sorted by key: the same state always gives the same
// bytes. The state carries the fingerprint of the salt's key, so that a snapshot is only ever
// restored under the salt its hashes were made with. HyperLogLog registers are stored whole.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/analytics/state.hpp"
#include "actors/kit/state_codec.hpp"

namespace aetherial::actors::analytics {

/// Version 2: FlatBuffers.
AETHERIAL_STATE_ENCODING(2, 2, "AANL")

/// Encodes the whole state, tagged with `key_fingerprint`.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const analytics_state& s,
                                                     std::uint64_t key_fingerprint);

/// Decodes a state; nullopt for anything encode_state would not have written (a buffer that
/// does not verify, a foreign identifier, inconsistent values), and for one encoded under
/// another key fingerprint.
[[nodiscard]] std::optional<analytics_state>
decode_state(const std::uint8_t* data, std::size_t size, std::uint64_t key_fingerprint);

} // namespace aetherial::actors::analytics
