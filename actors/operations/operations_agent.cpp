#include "actors/operations/operations_agent.hpp"

#include <utility>

#include "actors/operations/autoscaling.hpp"
#include "actors/operations/diagnosis.hpp"
#include "actors/operations/manual_scaling.hpp"
#include "actors/operations/optimization.hpp"
#include "actors/operations/runtime_scaling.hpp"
#include "actors/operations/self_healing.hpp"
#include "actors/operations/service_table.hpp"
#include "actors/operations/state_codec.hpp"
#include "actors/operations/text.hpp"

namespace aetherial::actors::operations {

void operations_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  // Any event's time can pass a deadline: verification and verdict windows expire first,
  // so an outcome arriving after its deadline is a timeout, not a success.
  expire_remediations(state_.healing, cfg_.self_healing, ctx);
  expire_recommendations(state_.optimization, cfg_.optimization, ctx);
  const auto finish = [this](const kit::task_spec& task, const kit::gather_parts& parts,
                             const kit::gather_progress& progress,
                             context& c) { finish_diagnosis(cfg_, task, parts, progress, c); };
  gather_.expire(ctx, finish);
  const auto part = [this](const kit::task_spec&, context& c) {
    return diagnosis_part(state_, load_services(services_, c.tables()), cfg_, c.event_time_ms());
  };
  if (gather_.on_event(event, ctx, part, finish)) return;

  switch (event.payload_type()) {
    case fbs::Payload::ServiceLoad: {
      const auto& load = *event.payload_as_ServiceLoad();
      if (!valid_service_name(view(load.service()))) break;
      auto& row = services_.at(ctx.tables(), view(load.service()));
      record_reading(row.reading, load, ctx.event_time_ms());
      on_service_load(row.scaling, cfg_.autoscaling, load, ctx);
      break;
    }
    case fbs::Payload::ScalingPolicy: {
      const auto& policy = *event.payload_as_ScalingPolicy();
      if (!valid_service_name(view(policy.service()))) break;
      on_scaling_policy(services_.at(ctx.tables(), view(policy.service())).scaling,
                        cfg_.autoscaling, policy);
      break;
    }
    case fbs::Payload::HealthIncident:
      on_health_incident(state_.healing, cfg_.self_healing, *event.payload_as_HealthIncident(),
                         ctx);
      break;
    case fbs::Payload::HealthCheck:
      on_health_check(state_.healing, cfg_.self_healing, *event.payload_as_HealthCheck(), ctx);
      break;
    case fbs::Payload::RemediationOutcome:
      on_remediation_outcome(state_.healing, cfg_.self_healing,
                             *event.payload_as_RemediationOutcome(), ctx);
      break;
    case fbs::Payload::SlowQuery:
      on_slow_query(state_.optimization, cfg_.optimization, *event.payload_as_SlowQuery(), ctx);
      break;
    case fbs::Payload::CacheStats:
      on_cache_stats(state_.optimization, cfg_.optimization, *event.payload_as_CacheStats(), ctx);
      break;
    case fbs::Payload::RuntimeTelemetry:
      on_runtime_telemetry(state_.runtime, cfg_.runtime_scaling,
                           *event.payload_as_RuntimeTelemetry(), ctx);
      break;
    case fbs::Payload::Task:
      on_task(state_, cfg_, services_, gather_, *event.payload_as_Task(), ctx);
      on_scale_task(cfg_, services_, *event.payload_as_Task(), ctx);
      break;
    default:
      // Decisions, task outcomes (including this agent's own) and unknown payloads carry
      // nothing to act on.
      break;
  }
}

std::unique_ptr<agent> make_operations_agent(const agent_settings& settings) {
  return std::make_unique<operations_agent>(config_from(settings));
}

} // namespace aetherial::actors::operations
