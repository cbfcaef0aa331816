#pragma once
// The state encoding of a User Support agent: a FlatBuffer of schemas/state/support.fbs
// (identifier "ASU3", version 3) for the scalar state, maps as vectors sorted by key, and the
// rows of its tables (ConversationRow, ReplyRow): the same state always gives the same bytes.
// The knowledge-base index is not stored: it is rebuilt from the articles on decode,
// deterministically. Version 2 kept every conversation and reply in the snapshot; it is no
// longer read (recovery rebuilds such a partition from the log).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/kit/state_codec.hpp"
#include "actors/support/state.hpp"
#include "actors/table.hpp"

namespace aetherial::actors::support {

/// `decode_state(data, size, limits)` reads a state whose knowledge base has `limits`, and
/// refuses an over-cap knowledge base.
AETHERIAL_STATE_CODEC_WITH(support_state, 3, 3, "ASU3", const text::kb_limits&)

/// A row of the "conversations" table and back. Decoding throws std::runtime_error for a row
/// the agent could not have written.
[[nodiscard]] bytes encode_conversation(const conversation& c);
[[nodiscard]] conversation decode_conversation(const bytes& value);
/// A row of the "replies" table and back, likewise.
[[nodiscard]] bytes encode_reply(const reply_record& r);
[[nodiscard]] reply_record decode_reply(const bytes& value);

} // namespace aetherial::actors::support
