#pragma once
// Scaling asked for by a person: "operations.scale_up" and "operations.scale_down" tasks from
// the orchestrator (after the person confirmed). Only a verified principal with a scaler role
// may scale a service; only one with a policy-override role may take it beyond its
// ScalingPolicy's bounds. Every refusal, and every override, is an AccessAudit decision. A
// scale done is a ScaleDecision (rule "manual") the autoscaler then leaves alone for
// `autoscaling.manual_hold_ms`.

#include <string_view>

#include "actors/agent.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/service_table.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

inline constexpr std::string_view scale_up_task_type = "operations.scale_up";
inline constexpr std::string_view scale_down_task_type = "operations.scale_down";

/// Carries out a scale task addressed to this agent; other tasks are left alone. The service's
/// row in `rows` changes only when it is scaled.
void on_scale_task(const operations_config& cfg, service_rows& rows, const fbs::Task& task,
                   context& ctx);

} // namespace aetherial::actors::operations
