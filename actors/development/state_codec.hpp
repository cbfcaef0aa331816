#pragma once
// The versioned binary encoding of a Development agent's state.
//
// Layout: "ADEV", u32 version, u64 body length, body, u64 FNV-1a of the body. Integers are
// little-endian, doubles their IEEE-754 bits, strings and sequences a u32 count then items,
// maps in key order: the same state always gives the same bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/development/state.hpp"

namespace aetherial::actors::development {

/// Version of the state encoding written by encode_state.
inline constexpr std::uint32_t state_encoding_version = 1;
/// The oldest state version `restore` reads.
inline constexpr std::uint32_t min_state_encoding_version = 1;

/// Encodes the whole state.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const development_state& s);

/// Decodes a state; nullopt for any truncated, corrupt or unknown-version input.
[[nodiscard]] std::optional<development_state> decode_state(const std::uint8_t* data,
                                                            std::size_t size);

} // namespace aetherial::actors::development
