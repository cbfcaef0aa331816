#pragma once
// The runtime's own scaling: sustained consumer-lag growth on aetherial.telemetry adds
// runtime instances; a sustained idle lag removes one.

#include "actors/agent.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// Folds one telemetry sample in and emits a RuntimeScaleDecision when capacity must change.
void on_runtime_telemetry(runtime_scaling_state& s, const runtime_scaling_config& cfg,
                          const fbs::RuntimeTelemetry& telemetry, context& ctx);

/// Least-squares slope of the lag over the samples, in events per second (0 if undefined).
[[nodiscard]] double lag_slope_per_s(const std::deque<telemetry_sample>& samples);

} // namespace aetherial::actors::operations
