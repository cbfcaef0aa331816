#pragma once
// The Orchestrator agent's tables: one row per conversation (its dialogue memory), per task
// handed to an agent and per effect requested and not yet answered, and the time indexes
// that expire them (actors/kit/expiry_index.hpp): idle conversations are forgotten, tasks
// and effects fail at their deadlines. An event reads and writes only the rows it concerns.

#include <cstdint>
#include <string_view>

#include "actors/kit/expiry_index.hpp"
#include "actors/kit/table_slot.hpp"
#include "actors/orchestrator/config.hpp"
#include "actors/orchestrator/state.hpp"
#include "actors/orchestrator/state_codec.hpp"

namespace aetherial::actors::orchestrator {

/// Conversations by conversation id (Conversation).
inline constexpr std::string_view conversations_table = "conversations";
/// Tasks not yet answered, by task id (PendingTask).
inline constexpr std::string_view tasks_table = "tasks";
/// Effects not yet answered, by effect id (PendingEffect).
inline constexpr std::string_view effects_table = "effects";
/// Time indexes: when an idle conversation is forgotten, when a task or an effect fails.
inline constexpr std::string_view conversations_expiry_index = "conversations.expiry";
inline constexpr std::string_view tasks_deadline_index = "tasks.deadline";
inline constexpr std::string_view effects_deadline_index = "effects.deadline";

using conversation_slot = kit::table_slot<conversation, &encode_conversation, &decode_conversation>;
using task_slot = kit::table_slot<pending_task, &encode_task, &decode_task>;
using effect_slot = kit::table_slot<pending_effect, &encode_effect, &decode_effect>;

/// Whether `id` (a conversation, task or effect id) can key a row and its index entry. A
/// longer id was not made by this agent (task and effect ids), or is carried only to attack
/// it: such a conversation is answered without memory.
[[nodiscard]] constexpr bool rememberable(std::string_view id) noexcept {
  return !id.empty() && id.size() <= max_table_key_bytes - 16;
}

/// The first watermark at which a conversation is forgotten (idle past the limit).
[[nodiscard]] constexpr std::int64_t forget_at(const conversation& c,
                                               const orchestrator_config& cfg) noexcept {
  return kit::after(c.last_ms, cfg.conversation_ttl_ms);
}

} // namespace aetherial::actors::orchestrator
