#pragma once
// The versioned binary encoding of a User Support agent's state.
//
// Layout: "ASUP", u32 version, u64 body length, body, u64 FNV-1a of the body (see
// actors/text/codec.hpp). The knowledge-base index is not stored: it is rebuilt from the
// articles on decode, deterministically.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/support/state.hpp"

namespace aetherial::actors::support {

/// Version of the state encoding written by encode_state.
inline constexpr std::uint32_t state_encoding_version = 1;
/// The oldest state version `restore` reads.
inline constexpr std::uint32_t min_state_encoding_version = 1;

/// Encodes the whole state.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const support_state& s);

/// Decodes a state whose knowledge base has `limits`; nullopt for any truncated, corrupt,
/// unknown-version or over-cap input.
[[nodiscard]] std::optional<support_state> decode_state(const std::uint8_t* data, std::size_t size,
                                                        const text::kb_limits& limits);

} // namespace aetherial::actors::support
