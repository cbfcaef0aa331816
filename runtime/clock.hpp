#pragma once
// The runtime's clocks, in one place: agents never read a clock; the runtime reads the wall
// clock only for what it stamps on envelopes it makes itself, and a steady clock for
// intervals and deadlines.

#include <chrono>
#include <cstdint>

namespace aetherial::runtime {

/// The monotonic clock of intervals, deadlines and latencies.
using steady_clock = std::chrono::steady_clock;

/// Milliseconds since the Unix epoch, from the wall clock.
[[nodiscard]] inline std::int64_t wall_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Seconds between two steady time points, for histograms.
[[nodiscard]] inline double seconds_between(steady_clock::time_point a,
                                            steady_clock::time_point b) noexcept {
  return std::chrono::duration<double>(b - a).count();
}

} // namespace aetherial::runtime
