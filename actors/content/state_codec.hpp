#pragma once
// The state encoding of a Content agent: a FlatBuffer of schemas/state/content.fbs
// (identifier "ACNT"), maps as vectors sorted by key: the same state always gives the same
// bytes. The knowledge-base index is rebuilt from the articles on decode.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/content/state.hpp"

namespace aetherial::actors::content {

/// Version of the state encoding written by encode_state (2: FlatBuffers).
inline constexpr std::uint32_t state_encoding_version = 2;
/// The oldest state version `restore` reads.
inline constexpr std::uint32_t min_state_encoding_version = 2;
/// File identifier of an encoded state.
inline constexpr char state_identifier[] = "ACNT";

/// Encodes the whole state.
[[nodiscard]] std::vector<std::uint8_t> encode_state(const content_state& s);

/// Decodes a state whose knowledge base has `limits`; nullopt for anything encode_state would
/// not have written (a buffer that does not verify, a foreign identifier, inconsistent
/// values) and for an over-cap knowledge base.
[[nodiscard]] std::optional<content_state> decode_state(const std::uint8_t* data, std::size_t size,
                                                        const text::kb_limits& limits);

} // namespace aetherial::actors::content
