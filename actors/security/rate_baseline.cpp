#include "actors/security/rate_baseline.hpp"

#include <algorithm>
#include <cmath>

namespace aetherial::actors::security {

double anomaly_score(double z, double z_threshold) noexcept {
  if (!(z > 0.0)) return 0.0;
  const double t = z_threshold > 0.0 ? z_threshold : 1.0;
  return (z * z) / (z * z + t * t);
}

double rate_baseline::stddev(const baseline_config& cfg) const noexcept {
  return std::max(std::sqrt(std::max(variance_, 0.0)), cfg.min_stddev);
}

double rate_baseline::z(const baseline_config& cfg, double value) const noexcept {
  if (!warm(cfg)) return 0.0;
  return (value - mean_) / stddev(cfg);
}

double rate_baseline::score(const baseline_config& cfg, double value) const noexcept {
  return anomaly_score(z(cfg, value), cfg.z_threshold);
}

void rate_baseline::observe(const baseline_config& cfg, double value) noexcept {
  if (samples_ == 0) {
    samples_ = 1;
    mean_ = value;
    variance_ = 0.0;
    return;
  }
  if (warm(cfg)) value = std::min(value, mean_ + cfg.z_threshold * stddev(cfg));
  // During warm-up the weight is at least 1/n, a plain running average, so the first
  // buckets do not leave the level near its first value.
  const double alpha = std::max(cfg.alpha, 1.0 / static_cast<double>(samples_ + 1));
  const double diff = value - mean_;
  const double step = alpha * diff;
  mean_ += step;
  variance_ = (1.0 - alpha) * (variance_ + diff * step);
  if (samples_ < 0xffffffffu) ++samples_;
}

void rate_baseline::observe_silence(const baseline_config& cfg, std::uint64_t n) noexcept {
  if (n == 0) return;
  if (n > cfg.max_gap_buckets) {
    *this = rate_baseline{};
    return;
  }
  for (std::uint64_t i = 0; i < n; ++i)
    observe(cfg, 0.0);
}

} // namespace aetherial::actors::security
