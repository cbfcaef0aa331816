#pragma once
// The state encoding of a Content agent: a FlatBuffer of schemas/state/content.fbs
// (identifier "ACNT"), maps as vectors sorted by key: the same state always gives the same
// bytes. The knowledge-base index is rebuilt from the articles on decode.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/content/state.hpp"
#include "actors/kit/state_codec.hpp"

namespace aetherial::actors::content {

/// Version 2: FlatBuffers. `decode_state(data, size, limits)` reads a state whose knowledge
/// base has `limits`, and refuses an over-cap knowledge base.
AETHERIAL_STATE_CODEC_WITH(content_state, 2, 2, "ACNT", const text::kb_limits&)

} // namespace aetherial::actors::content
