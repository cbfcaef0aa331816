#pragma once
// A streaming baseline of a per-bucket count series: one pass, no look-ahead.
//
// It learns an exponentially weighted mean and variance of completed buckets and scores a
// value against what it learned so far. The interface is the minimum the Security agent
// needs from an anomaly detector (score a value, learn a value, persist); a shared detector
// with the same shape can take its place.

#include <cstdint>

#include "actors/security/config.hpp"

namespace aetherial::actors::security {

/// EWMA mean and variance of one series; owned by the record of the subject it describes.
class rate_baseline {
public:
  rate_baseline() = default;
  /// Rebuilds a baseline from its persisted parts (see state_codec).
  rate_baseline(std::uint32_t samples, double mean, double variance)
      : samples_(samples), mean_(mean), variance_(variance) {}

  /// Whether enough buckets were seen for the baseline to score.
  [[nodiscard]] bool warm(const baseline_config& cfg) const noexcept {
    return samples_ >= cfg.warmup_buckets;
  }

  /// Standard score of `value` against the learned mean and deviation; 0 before warm-up.
  [[nodiscard]] double z(const baseline_config& cfg, double value) const noexcept;

  /// Anomaly score in [0, 1]: z² / (z² + z_threshold²) for z > 0, else 0; 0.5 is the
  /// threshold.
  [[nodiscard]] double score(const baseline_config& cfg, double value) const noexcept;

  /// Learns one completed bucket. Values above mean + z_threshold × deviation are clipped
  /// there first, so an attack cannot teach the baseline that attacks are normal at once.
  void observe(const baseline_config& cfg, double value) noexcept;

  /// Learns `n` empty buckets (a silence); a silence longer than the configured gap
  /// restarts the warm-up.
  void observe_silence(const baseline_config& cfg, std::uint64_t n) noexcept;

  [[nodiscard]] std::uint32_t samples() const noexcept { return samples_; }
  [[nodiscard]] double mean() const noexcept { return mean_; }
  [[nodiscard]] double variance() const noexcept { return variance_; }
  [[nodiscard]] double stddev(const baseline_config& cfg) const noexcept;

private:
  std::uint32_t samples_ = 0;
  double mean_ = 0.0;
  double variance_ = 0.0;
};

/// Maps a z-score to the [0, 1] anomaly score (0.5 at `z_threshold`).
[[nodiscard]] double anomaly_score(double z, double z_threshold) noexcept;

} // namespace aetherial::actors::security
