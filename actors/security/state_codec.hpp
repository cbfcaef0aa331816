#pragma once
// The versioned binary encoding of a Security agent's state.
//
// Layout: "ASEC", u32 version, u64 body length, body, u64 FNV-1a of the body (see wire.hpp).
// Maps and sets in key order: the same state always gives the same bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/security/state.hpp"

namespace aetherial::actors::security {

/// Version of the state encoding written by encode_state.
inline constexpr std::uint32_t state_encoding_version = 1;
/// The oldest state version `restore` reads.
inline constexpr std::uint32_t min_state_encoding_version = 1;

/// Encodes the whole state.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const security_state& s);

/// Decodes a state; nullopt for any truncated, corrupt, inconsistent or unknown-version input.
[[nodiscard]] std::optional<security_state> decode_state(const std::uint8_t* data,
                                                         std::size_t size);

} // namespace aetherial::actors::security
