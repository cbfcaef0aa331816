#include "actors/anomaly/detector.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace aetherial::actors::anomaly {

namespace {

constexpr std::int64_t week_days = 7;
/// The sampling step is the smallest positive step among this many first points.
constexpr std::uint64_t step_learning_points = 64;

/// Quantile of a sorted, non-empty vector (nearest rank below).
double quantile(const std::vector<double>& sorted, double q) {
  const auto i = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1));
  return sorted[i];
}

/// Scale floor for a statistic whose values are `a` and `b`: keeps ratios finite on
/// perfectly flat data without hiding anything on real data.
double scale_floor(double a, double b) {
  return 1e-9 + 1e-6 * (std::abs(a) + std::abs(b));
}

/// Mean and standard deviation of `n` values of a ring, starting `from` values back from
/// the newest (`from` = 0 is the newest value).
std::pair<double, double> ring_moments(const std::vector<double>& ring, std::size_t head,
                                       std::size_t from, std::size_t n) {
  const std::size_t size = ring.size();
  double sum = 0.0;
  double sq = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const double v = ring[(head + size - 1 - from - k) % size];
    sum += v;
    sq += v * v;
  }
  const double mean = sum / static_cast<double>(n);
  const double var = std::max(0.0, sq / static_cast<double>(n) - mean * mean);
  return {mean, std::sqrt(var)};
}

} // namespace

// ---------------------------------------------------------------------------------------
// tail_calibrator

double tail_calibrator::surprise(double z, std::uint32_t min_count, double cap) const {
  const std::size_t n = sorted_.size();
  if (n < std::max<std::uint32_t>(min_count, 2) || !std::isfinite(z)) return 0.0;
  // Past the tail quantile the empirical tail is too thin to trust, and one old outlier
  // would mask every later event: an exponential tail fitted between the body quantile and
  // the tail quantile takes over, so the surprise grows linearly with the excess.
  const double q_tail = quantile(sorted_, tail_q_);
  if (z > q_tail) {
    const double q_body = quantile(sorted_, body_q_);
    const double scale = std::max((q_tail - q_body) / std::log((1.0 - body_q_) / (1.0 - tail_q_)),
                                  scale_floor(q_tail, z));
    const double excess = (z - q_tail) / scale;
    const double tail = shape_ > 0.0 ? std::log1p(shape_ * excess) / shape_ : excess;
    return std::min(-std::log(1.0 - tail_q_) + tail, cap);
  }
  const auto at_least =
      static_cast<double>(sorted_.end() - std::lower_bound(sorted_.begin(), sorted_.end(), z));
  return std::min(-std::log((at_least + 1.0) / (static_cast<double>(n) + 1.0)), cap);
}

void tail_calibrator::push(double z) {
  if (capacity_ == 0 || !std::isfinite(z)) return;
  if (ring_.size() < capacity_) {
    ring_.push_back(z);
  } else {
    const double old = ring_[head_];
    sorted_.erase(std::lower_bound(sorted_.begin(), sorted_.end(), old));
    ring_[head_] = z;
    head_ = (head_ + 1) % capacity_;
  }
  sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), z), z);
}

bool tail_calibrator::assign(std::vector<double> ring, std::size_t head) {
  if (ring.size() > capacity_ || (head != 0 && head >= ring.size())) return false;
  if (ring.size() < capacity_ && head != 0) return false;
  for (double v : ring)
    if (!std::isfinite(v)) return false;
  sorted_ = ring;
  std::sort(sorted_.begin(), sorted_.end());
  ring_ = std::move(ring);
  head_ = head;
  return true;
}

// ---------------------------------------------------------------------------------------
// detector

detector::detector(detector_config config) : config_(std::move(config)) {
  config_.short_window = std::max<std::uint32_t>(config_.short_window, 2);
  config_.long_window = std::max<std::uint32_t>(config_.long_window, config_.short_window);
  config_.shape_length = std::max<std::uint32_t>(config_.shape_length, 2);
  config_.weights.resize(statistic_count, 1.0);
  for (auto& c : calibrators_)
    c = tail_calibrator(config_.history, config_.body_quantile, config_.tail_quantile,
                        config_.tail_shape);
  recent_.assign(config_.short_window + config_.long_window, 0.0);
}

double detector::score(std::int64_t time_ms, double value) {
  if (!std::isfinite(value)) return 0.0;
  const double s = fold(time_ms, value);
  last_surprise_ = s;
  if (points_ <= config_.warmup_points) {
    // Alarms raised while learning are not remembered against the first real ones.
    recent_max_ = 0.0;
    return 0.0;
  }
  const bool fresh = s > recent_max_ * config_.rearm_ratio;
  recent_max_ = std::max(recent_max_ * config_.rearm_decay, s);
  if (!fresh || s <= 0.0) return 0.0;
  return s / (s + config_.score_half);
}

double detector::fold(std::int64_t time_ms, double x) {
  if (points_ > 0 && time_ms < last_time_ms_) time_ms = last_time_ms_;
  if (points_ > 0 && points_ < step_learning_points && time_ms > last_time_ms_) {
    const std::int64_t d = time_ms - last_time_ms_;
    step_ms_ = step_ms_ == 0 ? d : std::min(step_ms_, d);
  }
  const std::uint32_t n_short = config_.short_window;
  const std::uint32_t n_long = config_.long_window;
  const std::size_t window = recent_.size();
  const std::uint64_t have = points_; // values in `recent_` before this one
  const double cap = config_.max_surprise;
  const std::uint32_t min_h = config_.min_history;

  double z[statistic_count];
  bool defined[statistic_count] = {};

  z[static_cast<int>(statistic::high)] = x;
  z[static_cast<int>(statistic::low)] = -x;
  defined[static_cast<int>(statistic::high)] = true;
  defined[static_cast<int>(statistic::low)] = true;
  if (have >= 1) {
    z[static_cast<int>(statistic::jump)] = std::abs(x - previous_);
    defined[static_cast<int>(statistic::jump)] = true;
  }

  // The current value joins the ring of recent values before the window statistics.
  recent_[recent_head_] = x;
  recent_head_ = (recent_head_ + 1) % window;
  if (have + 1 >= window) {
    const auto [m_s, sd_s] = ring_moments(recent_, recent_head_, 0, n_short);
    const auto [m_l, sd_l] = ring_moments(recent_, recent_head_, n_short, n_long);
    const double floor = scale_floor(m_l, m_s);
    z[static_cast<int>(statistic::level)] = std::abs(m_s - m_l) / (sd_l + floor);
    z[static_cast<int>(statistic::spread)] = std::abs(std::log((sd_s + floor) / (sd_l + floor)));
    defined[static_cast<int>(statistic::level)] = true;
    defined[static_cast<int>(statistic::spread)] = true;
  }

  const bool step_known = points_ >= step_learning_points && step_ms_ > 0;
  if (step_known) {
    const double r_day = profile_residual(daily_, config_.day_ms, time_ms, x);
    if (r_day >= 0.0) {
      z[static_cast<int>(statistic::daily)] = r_day;
      defined[static_cast<int>(statistic::daily)] = true;
    }
    const double r_week = profile_residual(weekly_, config_.day_ms * week_days, time_ms, x);
    if (r_week >= 0.0) {
      z[static_cast<int>(statistic::weekly)] = r_week;
      defined[static_cast<int>(statistic::weekly)] = true;
    }
  }

  const std::uint32_t len = config_.shape_length;
  if (config_.shape_history > 0 && have + 1 >= window) {
    // The newest shape: the last `len` values minus their mean, in long-window spreads.
    const auto [m_l, sd_l] = ring_moments(recent_, recent_head_, 0, window);
    const auto [m_shape, sd_shape] = ring_moments(recent_, recent_head_, 0, len);
    (void)sd_shape;
    const double unit = sd_l + scale_floor(m_l, m_shape);
    std::vector<double> shape(len);
    for (std::uint32_t k = 0; k < len; ++k)
      shape[k] = (recent_[(recent_head_ + window - len + k) % window] - m_shape) / unit;
    const std::size_t capacity = config_.shape_history;
    if (shapes_.size() < capacity * len) shapes_.resize(capacity * len, 0.0);
    // Shapes overlapping the newest one are trivial matches and are not compared.
    if (shapes_count_ > len) {
      double best = std::numeric_limits<double>::infinity();
      const std::size_t comparable = shapes_count_ - len;
      for (std::size_t i = 0; i < comparable; ++i) {
        // The i-th oldest remembered shape.
        const std::size_t slot = (shapes_head_ + capacity - shapes_count_ + i) % capacity;
        const double* s = &shapes_[slot * len];
        double d = 0.0;
        for (std::uint32_t k = 0; k < len && d < best; ++k) {
          const double e = s[k] - shape[k];
          d += e * e;
        }
        best = std::min(best, d);
      }
      z[static_cast<int>(statistic::shape)] = std::sqrt(best);
      defined[static_cast<int>(statistic::shape)] = true;
    }
    std::copy(shape.begin(), shape.end(),
              shapes_.begin() + static_cast<std::ptrdiff_t>(shapes_head_ * len));
    shapes_head_ = (shapes_head_ + 1) % capacity;
    shapes_count_ = std::min<std::size_t>(shapes_count_ + 1, capacity);
  }

  double best = 0.0;
  statistic cause = statistic::high;
  for (std::size_t i = 0; i < statistic_count; ++i) {
    // A statistic of weight 0 is switched off: not calibrated, not remembered.
    if (!defined[i] || config_.weights[i] <= 0.0) continue;
    const double s = config_.weights[i] * calibrators_[i].surprise(z[i], min_h, cap);
    if (s > best) {
      best = s;
      cause = static_cast<statistic>(i);
    }
    calibrators_[i].push(z[i]);
  }

  previous_ = x;
  last_time_ms_ = time_ms;
  ++points_;
  last_cause_ = cause;
  return best;
}

double detector::profile_residual(profile& p, std::int64_t period_ms, std::int64_t time_ms,
                                  double x) {
  if (p.slot_ms == 0) {
    const std::int64_t min_slot =
        (period_ms + static_cast<std::int64_t>(config_.max_profile_slots) - 1) /
        static_cast<std::int64_t>(config_.max_profile_slots);
    p.slot_ms = std::max(step_ms_, min_slot);
    const auto slots = static_cast<std::size_t>((period_ms + p.slot_ms - 1) / p.slot_ms);
    p.level.assign(slots, 0.0);
    p.seen.assign(slots, 0);
  }
  std::int64_t phase = time_ms % period_ms;
  if (phase < 0) phase += period_ms;
  const auto slot = static_cast<std::size_t>(phase / p.slot_ms);
  double residual = -1.0;
  if (p.seen[slot] >= config_.profile_min_periods) residual = std::abs(x - p.level[slot]);
  if (p.seen[slot] == 0)
    p.level[slot] = x;
  else
    p.level[slot] += config_.profile_alpha * (x - p.level[slot]);
  if (p.seen[slot] < std::numeric_limits<std::uint32_t>::max()) ++p.seen[slot];
  return residual;
}

} // namespace aetherial::actors::anomaly
