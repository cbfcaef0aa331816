#pragma once
// Auto-scaling of platform services from ServiceLoad samples: the Kubernetes HPA rule
// (tolerance, scale-down stabilization, rate limits, bounds) plus a Holt-Winters forecast
// that scales up ahead of predicted load.

#include "actors/agent.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// Replaces a service's scaling bounds and target; an invalid policy is ignored.
void on_scaling_policy(std::map<std::string, service_scaling>& services,
                       const autoscaling_config& cfg, const fbs::ScalingPolicy& policy);

/// The scaling entry of `name`, created with the configured defaults when there is none.
[[nodiscard]] service_scaling& service_entry(std::map<std::string, service_scaling>& services,
                                             const autoscaling_config& cfg, std::string_view name);

/// Folds one load sample in and emits a ScaleDecision when the service's target changes.
void on_service_load(std::map<std::string, service_scaling>& services,
                     const autoscaling_config& cfg, const fbs::ServiceLoad& load, context& ctx);

} // namespace aetherial::actors::operations
