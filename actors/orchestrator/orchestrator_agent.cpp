#include "actors/orchestrator/orchestrator_agent.hpp"

#include <algorithm>
#include <utility>

#include "actors/kit/task.hpp"
#include "actors/orchestrator/routing.hpp"
#include "actors/orchestrator/state_codec.hpp"
#include "actors/orchestrator/text.hpp"

namespace aetherial::actors::orchestrator {

void orchestrator_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  state_.watermark_ms = std::max(state_.watermark_ms, ctx.event_time_ms());
  // Deadlines pass with any event's time: an outcome arriving after its task's deadline
  // finds the task already failed, whichever topic moved the clock.
  expire(ctx);

  switch (event.payload_type()) {
    case fbs::Payload::Command: on_command(event, *event.payload_as_Command(), ctx); break;
    case fbs::Payload::TaskOutcome: on_task_outcome(*event.payload_as_TaskOutcome(), ctx); break;
    case fbs::Payload::EffectResult: on_effect_result(*event.payload_as_EffectResult(), ctx); break;
    default:
      // Task events (its own among them) and anything else carry nothing to act on.
      break;
  }
}

std::unique_ptr<agent> make_orchestrator_agent(const agent_settings& settings) {
  return std::make_unique<orchestrator_agent>(config_from_settings(settings));
}

} // namespace aetherial::actors::orchestrator
