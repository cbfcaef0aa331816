#pragma once
// The state encoding of a Security agent: a FlatBuffer of schemas/state/security.fbs
// (identifier "ASEC"), maps as vectors sorted by key: the same state always gives the same
// bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/security/state.hpp"

namespace aetherial::actors::security {

/// Version of the state encoding written by encode_state (2: FlatBuffers).
inline constexpr std::uint32_t state_encoding_version = 2;
/// The oldest state version `restore` reads.
inline constexpr std::uint32_t min_state_encoding_version = 2;
/// File identifier of an encoded state.
inline constexpr char state_identifier[] = "ASEC";

/// Encodes the whole state.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const security_state& s);

/// Decodes a state; nullopt for anything encode_state would not have written: a buffer that
/// does not verify, a foreign identifier, or inconsistent values.
[[nodiscard]] std::optional<security_state> decode_state(const std::uint8_t* data,
                                                         std::size_t size);

} // namespace aetherial::actors::security
