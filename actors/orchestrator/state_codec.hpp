#pragma once
// The encoding of an Orchestrator agent's state: schemas/state/orchestrator.fbs, a FlatBuffer
// with the file identifier "AOR3" (actors/kit/state_codec.hpp) for the scalar state, and the
// rows of its tables (Conversation, PendingTask, PendingEffect). Maps are entries in key
// order, so the same state always gives the same bytes. Version 2 kept every conversation,
// task and effect in the snapshot, and version 1 was the former "AORC" byte layout: neither
// is read any more (recovery rebuilds such a partition from the log).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "actors/kit/state_codec.hpp"
#include "actors/orchestrator/state.hpp"
#include "actors/table.hpp"

namespace aetherial::actors::orchestrator {

AETHERIAL_STATE_CODEC(orchestrator_state, 3, 3, "AOR3")

/// A row of the "conversations" table and back. Decoding throws std::runtime_error for a row
/// the agent could not have written.
[[nodiscard]] bytes encode_conversation(const conversation& c);
[[nodiscard]] conversation decode_conversation(const bytes& value);
/// A row of the "tasks" table and back, likewise.
[[nodiscard]] bytes encode_task(const pending_task& t);
[[nodiscard]] pending_task decode_task(const bytes& value);
/// A row of the "effects" table and back, likewise.
[[nodiscard]] bytes encode_effect(const pending_effect& e);
[[nodiscard]] pending_effect decode_effect(const bytes& value);

} // namespace aetherial::actors::orchestrator
