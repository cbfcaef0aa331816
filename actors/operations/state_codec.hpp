#pragma once
// The encoding of an Operations agent's state: schemas/state/operations.fbs, a FlatBuffer
// with the file identifier "AOP3" (actors/kit/state_codec.hpp). Maps are entries in key order,
// so the same state always gives the same bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// Version of the state encoding written by encode_state. Version 3 is the FlatBuffers
/// encoding; versions 1 and 2 (the former "AOPS" byte layout) are no longer read.
inline constexpr std::uint32_t state_encoding_version = 3;
/// The oldest state version `restore` reads.
inline constexpr std::uint32_t min_state_encoding_version = 3;

/// File identifier of an encoded Operations state.
inline constexpr const char* state_identifier = "AOP3";

/// Encodes the whole state.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const operations_state& s);

/// Decodes a state; nullopt for any truncated, corrupt, foreign or impossible input.
[[nodiscard]] std::optional<operations_state> decode_state(const std::uint8_t* data,
                                                           std::size_t size);

} // namespace aetherial::actors::operations
