#pragma once
// Auto-scaling of platform services from ServiceLoad samples: the Kubernetes HPA rule
// (tolerance, scale-down stabilization, rate limits, bounds) plus a Holt-Winters forecast
// that scales up ahead of predicted load.

#include "actors/agent.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/service_table.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// Replaces a service's scaling bounds and target (`scaling`: the service's entry, created
/// when the policy is valid); an invalid policy is ignored.
void on_scaling_policy(std::optional<service_scaling>& scaling, const autoscaling_config& cfg,
                       const fbs::ScalingPolicy& policy);

/// Folds one load sample of the service whose entry is `scaling` (created for a valid sample)
/// in and emits a ScaleDecision when the service's target changes.
void on_service_load(std::optional<service_scaling>& scaling, const autoscaling_config& cfg,
                     const fbs::ServiceLoad& load, context& ctx);

} // namespace aetherial::actors::operations
