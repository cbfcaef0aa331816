#pragma once
// The runtime's own scaling: sustained consumer-lag growth on aetherial.telemetry adds
// runtime instances; a sustained idle lag removes one.

#include <string>
#include <string_view>

#include "actors/agent.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// The kind of the effect request that carries a RuntimeScaleDecision to a deployment.
inline constexpr std::string_view runtime_effect_kind = "scale_runtime";

/// The id of that effect request, from the id of the event the decision was taken on (the
/// decision's causation id): "scale-runtime-<32 hex digits>".
[[nodiscard]] std::string runtime_effect_id(const schemas::event_id& decided_on);

/// Folds one telemetry sample in and, when capacity must change, emits a RuntimeScaleDecision
/// on aetherial.decisions and the same as an EffectRequest of kind `scale_runtime` on
/// aetherial.effects (params from_instances, to_instances, total_lag, lag_growth_per_s), both
/// keyed "runtime".
void on_runtime_telemetry(runtime_scaling_state& s, const runtime_scaling_config& cfg,
                          const fbs::RuntimeTelemetry& telemetry, context& ctx);

/// Least-squares slope of the lag over the samples, in events per second (0 if undefined).
[[nodiscard]] double lag_slope_per_s(const std::deque<telemetry_sample>& samples);

} // namespace aetherial::actors::operations
