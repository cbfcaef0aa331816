#pragma once
// The versioned binary encoding of an Orchestrator agent's state.
//
// Layout: "AORC", u32 version, u64 body length, body, u64 FNV-1a of the body. Integers are
// little-endian, doubles their IEEE-754 bits, strings and sequences a u32 count then items,
// maps in key order: the same state always gives the same bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/orchestrator/state.hpp"

namespace aetherial::actors::orchestrator {

/// Version of the state encoding written by encode_state.
inline constexpr std::uint32_t state_encoding_version = 1;
/// The oldest state version `restore` reads.
inline constexpr std::uint32_t min_state_encoding_version = 1;

/// Encodes the whole state.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const orchestrator_state& s);

/// Decodes a state; nullopt for any truncated, corrupt, unknown-version or impossible input.
[[nodiscard]] std::optional<orchestrator_state> decode_state(const std::uint8_t* data,
                                                             std::size_t size);

} // namespace aetherial::actors::orchestrator
