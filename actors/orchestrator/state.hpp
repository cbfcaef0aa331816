#pragma once
// The state of one Orchestrator agent (one partition), as plain ordered data: its scalar
// state, and the records of its tables (actors/orchestrator/tables.hpp). Owned by the agent;
// encoded by state_codec.hpp. Every container whose order can reach an
// output is ordered (std::map, std::deque in event-time order). Records stored as they are
// are the native types of schemas/state/orchestrator.fbs (fields documented there).

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "schemas/state/orchestrator_generated.h"

namespace aetherial::actors::orchestrator {

/// The stored form of the state (schemas/state/orchestrator.fbs).
namespace stored = ::aetherial::state::orchestrator;

/// One command of a conversation, as understood.
struct turn {
  std::string command_id; ///< event id of the command (32 hex digits): repeats are ignored
  std::int64_t time_ms = 0;
  std::string intent;
  std::string text;    ///< the command's text, truncated to max_turn_text
  std::string outcome; ///< reply status given to it ("pending", "refused", "answered", ...)
};

/// A course being agreed on before it is handed to the Content agent.
using course_draft = stored::CourseDraftT;

/// A risky command waiting for its requester to confirm it (schemas/state/orchestrator.fbs
/// `PendingConfirmation`).
struct pending_confirmation {
  std::string intent;
  double confidence = 0.0;
  std::map<std::string, std::string> slots; ///< as understood, the route's defaults not included
  std::string text;                         ///< the command as written
  std::string principal;                    ///< only a "yes" from this principal runs it
  std::string role;
  std::string command_id; ///< event id of the command
  std::string correlation;
  bool urgent = false;
  std::int64_t issued_ms = 0;
  std::int64_t expires_ms = 0; ///< a "yes" after this event time finds it expired
};

/// One conversation: a row of the "conversations" table, keyed by its conversation id.
struct conversation {
  std::string principal; ///< of the latest command
  std::string role;      ///< of the latest command
  std::int64_t started_ms = 0;
  std::int64_t last_ms = 0; ///< event time of the latest command
  std::uint64_t commands = 0;
  std::deque<turn> turns; ///< the latest max_turns turns, oldest first
  course_draft draft;
  std::optional<pending_confirmation> confirmation; ///< at most one per conversation
};

/// A task handed to an agent and not yet answered (a row of "tasks", keyed by task id).
using pending_task = stored::PendingTaskT;
/// An effect requested and not yet answered (a row of "effects", keyed by effect id).
using pending_effect = stored::PendingEffectT;

/// Outcome counts of one (agent, task type).
struct route_stats {
  std::uint32_t successes = 0;
  std::uint32_t failures = 0; ///< failed outcomes and timeouts
};

/// The scalar state of an Orchestrator agent (conversations, pending tasks and effects are
/// rows of its tables).
struct orchestrator_state {
  std::map<std::string, route_stats> stats; ///< by "agent|task type"
  std::int64_t watermark_ms = 0;            ///< highest event time seen: the clock of expiries
  std::uint64_t events = 0;                 ///< events handled
  std::uint64_t commands = 0;               ///< commands handled
  std::uint64_t refusals = 0;               ///< commands refused
};

/// The key of an (agent, task type) in `orchestrator_state::stats`.
[[nodiscard]] inline std::string stats_key(const std::string& agent, const std::string& type) {
  return agent + "|" + type;
}

} // namespace aetherial::actors::orchestrator
