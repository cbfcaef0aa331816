#pragma once
// The encoding of an Orchestrator agent's state: schemas/state/orchestrator.fbs, a FlatBuffer
// with the file identifier "AOR2" (actors/kit/state_codec.hpp). Maps are entries in key
// order, so the same state always gives the same bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/orchestrator/state.hpp"

namespace aetherial::actors::orchestrator {

/// Version of the state encoding written by encode_state. Version 2 is the FlatBuffers
/// encoding; version 1 (the former "AORC" byte layout) is no longer read.
inline constexpr std::uint32_t state_encoding_version = 2;
/// The oldest state version `restore` reads.
inline constexpr std::uint32_t min_state_encoding_version = 2;

/// File identifier of an encoded Orchestrator state.
inline constexpr const char* state_identifier = "AOR2";

/// Encodes the whole state.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const orchestrator_state& s);

/// Decodes a state; nullopt for any truncated, corrupt, foreign or impossible input.
[[nodiscard]] std::optional<orchestrator_state> decode_state(const std::uint8_t* data,
                                                             std::size_t size);

} // namespace aetherial::actors::orchestrator
