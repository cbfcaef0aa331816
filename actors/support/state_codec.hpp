#pragma once
// The state encoding of a User Support agent: a FlatBuffer of schemas/state/support.fbs
// (identifier "ASUP"), maps as vectors sorted by key: the same state always gives the same
// bytes. The knowledge-base index is not stored: it is rebuilt from the articles on decode,
// deterministically.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/kit/state_codec.hpp"
#include "actors/support/state.hpp"

namespace aetherial::actors::support {

/// Version 2: FlatBuffers. `decode_state(data, size, limits)` reads a state whose knowledge
/// base has `limits`, and refuses an over-cap knowledge base.
AETHERIAL_STATE_CODEC_WITH(support_state, 2, 2, "ASUP", const text::kb_limits&)

} // namespace aetherial::actors::support
