#pragma once
// The versioned binary encoding of an Operations agent's state.
//
// Layout: "AOPS", u32 version, u64 body length, body, u64 FNV-1a of the body. Integers are
// little-endian, doubles their IEEE-754 bits, strings and sequences a u32 count then items,
// maps in key order: the same state always gives the same bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// Version of the state encoding written by encode_state. Version 2 appends the newest load
/// sample of each service to the version 1 body; a version 1 state decodes with none.
inline constexpr std::uint32_t state_encoding_version = 2;
/// The oldest state version `restore` reads (version 1 is upgraded).
inline constexpr std::uint32_t min_state_encoding_version = 1;

/// Encodes the whole state.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const operations_state& s);

/// Decodes a state of version 1 or 2; nullopt for any truncated, corrupt or unknown-version
/// input.
[[nodiscard]] std::optional<operations_state> decode_state(const std::uint8_t* data,
                                                           std::size_t size);

} // namespace aetherial::actors::operations
