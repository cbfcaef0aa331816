#include "actors/agent.hpp"

#include <stdexcept>

namespace aetherial::actors {

std::string_view output_name(output o) noexcept {
  switch (o) {
    case output::decisions: return "decisions";
    case output::replies: return "replies";
    case output::tasks: return "tasks";
    case output::effects: return "effects";
    case output::health: return "health";
    case output::repartition: return "repartition";
  }
  return "unknown";
}

context::context(std::string_view agent_kind, const fbs::Envelope& cause)
    : kind_(agent_kind), cause_(cause), cause_id_(schemas::event_id::from(cause.id())),
      builder_(512) {}

const actors::identity& context::identity() const noexcept {
  static const actors::identity none;
  return identity_ != nullptr ? *identity_ : none;
}

table_store& context::tables() const {
  if (tables_ == nullptr)
    throw std::logic_error("agent '" + kind_ + "' keeps tables but was given no table store");
  return *tables_;
}

kit::rng& context::rng() {
  if (!rng_) rng_.emplace(schemas::mix64(cause_id_.hi ^ schemas::mix64(cause_id_.lo)));
  return *rng_;
}

void context::emit(output to, std::string_view key, fbs::Payload type,
                   flatbuffers::Offset<void> payload, std::string_view correlation) {
  schemas::envelope_header h;
  h.id = schemas::derive_event_id(cause_id_, kind_, outputs_.size());
  h.key = std::string(key);
  h.event_time_ms = cause_.event_time_ms();
  h.principal = "agent:" + kind_;
  h.causation = cause_id_;
  if (!correlation.empty())
    h.correlation = std::string(correlation);
  else if (cause_.correlation_id())
    h.correlation = cause_.correlation_id()->str();
  outputs_.push_back({to, std::string(key), schemas::finish_envelope(builder_, h, type, payload)});
  builder_.Clear();
}

} // namespace aetherial::actors
