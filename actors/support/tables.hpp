#pragma once
// The User Support agent's tables: one row per conversation (its short-term memory) and per
// reply sent (so feedback on a reply reaches its article), and the time indexes that expire
// them (actors/kit/expiry_index.hpp). An event reads and writes only the rows it concerns.

#include <cstdint>
#include <string_view>

#include "actors/kit/expiry_index.hpp"
#include "actors/kit/table_slot.hpp"
#include "actors/support/config.hpp"
#include "actors/support/state.hpp"
#include "actors/support/state_codec.hpp"

namespace aetherial::actors::support {

/// Conversations by conversation id (ConversationRow).
inline constexpr std::string_view conversations_table = "conversations";
/// Replies by reply event id (ReplyRow).
inline constexpr std::string_view replies_table = "replies";
/// Time indexes: when an idle conversation is forgotten, when a reply is.
inline constexpr std::string_view conversations_expiry_index = "conversations.expiry";
inline constexpr std::string_view replies_expiry_index = "replies.expiry";

using conversation_slot = kit::table_slot<conversation, &encode_conversation, &decode_conversation>;
using reply_slot = kit::table_slot<reply_record, &encode_reply, &decode_reply>;

/// Whether `id` (a conversation or reply id) can key a row and its index entry. Longer ids are
/// not remembered (a message carries them only to attack the agent).
[[nodiscard]] constexpr bool rememberable(std::string_view id) noexcept {
  return !id.empty() && id.size() <= max_table_key_bytes - 16;
}

/// The first event time at which a conversation is forgotten (idle past the limit).
[[nodiscard]] constexpr std::int64_t forget_at(const conversation& c,
                                               const support_config& cfg) noexcept {
  return kit::after(c.last_ms, cfg.conversation_idle_ms);
}

/// The first event time at which a reply is forgotten.
[[nodiscard]] constexpr std::int64_t forget_at(const reply_record& r,
                                               const support_config& cfg) noexcept {
  return kit::after(r.sent_ms, cfg.reply_ttl_ms);
}

} // namespace aetherial::actors::support
