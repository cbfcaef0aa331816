#pragma once
// A streaming anomaly detector for one numeric series: one pass, no look-ahead, bounded
// memory, deterministic, with its whole state as bytes. Shared by the agents that watch
// series (Security, Operations, Development); pure C++, no I/O, no clock.
//
// How it scores a point. Raw statistics are computed from the stream:
//   - the value itself, upper and lower tail (new highs and lows);
//   - the change of a short window's mean against the long window before it (level shifts);
//   - the residual against a time-of-day profile and a day-of-week profile (broken rhythm);
//   - the distance of the latest values to the nearest earlier sequence of the same shape
//     (a novel shape, a nearest-neighbour novelty);
//   - the jump from the previous value and the short window's spread against the long
//     window's, both off by default (weight 0): on NAB they raised more false alarms than
//     they found anomalies.
// Each statistic is calibrated against its own history: below a high quantile its surprise
// is -ln of its empirical upper-tail probability; past it, a generalized Pareto tail fitted
// between two quantiles takes over, so one old outlier does not mask later events and a
// value far past anything seen is far more surprising than a new record. The point's
// surprise is the largest weighted surprise, and the score reports only alarms that are
// new: a surprise counts when it exceeds a decaying memory of the recent ones by a margin,
// so one event gives one alarm, not a burst. The score maps surprise to [0, 1)
// monotonically. Defaults were chosen on the NAB subset of bench/nab (its README).
//
// Memory: about 8 bytes x `history` per active statistic, plus the profiles (one double and
// one counter per slot) and `shape_history` x `shape_length` doubles; agents watching many
// series should lower `history`.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aetherial::actors::anomaly {

/// Tuning of a detector; every field documented with its default. Copied into a detector at
/// construction; not part of its snapshot.
struct detector_config {
  /// Points learned before any alarm (NAB calls this the probationary period; the NAB bench
  /// sets it per series to NAB's own value, min(15 % of the rows, 750), as NAB's harness
  /// does for every detector).
  std::uint32_t warmup_points = 750;
  /// Raw statistics remembered per calibrator: how rare "rare" can be measured.
  std::uint32_t history = 6000;
  /// Quantile where a statistic's exponential tail is anchored...
  double tail_quantile = 0.9995;
  /// ... and the lower quantile its scale is fitted from.
  double body_quantile = 0.9;
  /// Shape of the generalized Pareto tail beyond the tail quantile (0: exponential; larger
  /// trusts extreme values less).
  double tail_shape = 0.25;
  /// Fewest remembered statistics before a calibrator reports any surprise.
  std::uint32_t min_history = 500;
  /// Short window (points) for level and spread changes.
  std::uint32_t short_window = 6;
  /// Long reference window (points) before the short one.
  std::uint32_t long_window = 720;
  /// Length of the day in the time-of-day profile, ms.
  std::int64_t day_ms = 86'400'000;
  /// Profiles with more slots than this are not kept (very dense sampling).
  std::uint32_t max_profile_slots = 4096;
  /// Smoothing of a profile slot (weight of the newest observation).
  double profile_alpha = 0.35;
  /// Complete periods a profile must have seen before its residual is used.
  std::uint32_t profile_min_periods = 3;
  /// Length of the shapes compared by the nearest-neighbour novelty (points).
  std::uint32_t shape_length = 12;
  /// Shapes remembered for the nearest-neighbour novelty.
  std::uint32_t shape_history = 300;
  /// A new surprise is an alarm only above this fraction of the decaying recent maximum.
  double rearm_ratio = 1.1;
  /// Per-point decay of the recent maximum surprise (0.997 halves it in about 230 points).
  double rearm_decay = 0.997;
  /// Weight of each statistic's surprise, in the order of `statistic` (high, low, jump,
  /// level, spread, daily, weekly, shape); 0 switches a statistic off.
  std::vector<double> weights = {1.3, 1.3, 0.0, 0.75, 0.0, 1.0, 1.4, 1.15};
  /// Surprise (nats) that maps to a score of 0.5.
  double score_half = 12.0;
  /// Largest surprise reported (nats); bounds the exponential tail.
  double max_surprise = 60.0;
};

/// The statistics a detector calibrates, in the order of `detector_config::weights`.
enum class statistic : std::uint8_t {
  high,   ///< the value, upper tail
  low,    ///< the value, lower tail
  jump,   ///< |x - previous x|
  level,  ///< short-window mean against the long window, in long-window spreads
  spread, ///< short-window spread against the long window's
  daily,  ///< residual against the time-of-day profile
  weekly, ///< residual against the day-of-week-and-time profile
  shape,  ///< distance to the nearest earlier shape
};
inline constexpr std::size_t statistic_count = 8;

/// Empirical tail calibration of one statistic over its last `history` values.
class tail_calibrator {
public:
  /// Remembers `history` values; the exponential tail is fitted between the `body_q` and
  /// `tail_q` quantiles.
  explicit tail_calibrator(std::uint32_t history = 0, double body_q = 0.9, double tail_q = 0.99,
                           double shape = 0.5)
      : capacity_(history), body_q_(body_q), tail_q_(tail_q), shape_(shape) {}

  /// -ln of the upper-tail probability of `z` among the remembered values, extended by an
  /// exponential tail beyond the largest; 0 until `min_count` values are remembered.
  [[nodiscard]] double surprise(double z, std::uint32_t min_count, double cap) const;
  /// Remembers `z`, forgetting the oldest value when full.
  void push(double z);

  [[nodiscard]] std::size_t size() const noexcept { return sorted_.size(); }
  [[nodiscard]] const std::vector<double>& ring() const noexcept { return ring_; }
  [[nodiscard]] std::size_t head() const noexcept { return head_; }
  /// Rebuilds from a ring and its head (as `ring()`/`head()` returned them).
  bool assign(std::vector<double> ring, std::size_t head);

private:
  std::uint32_t capacity_;
  double body_q_;
  double tail_q_;
  double shape_;
  std::vector<double> ring_; ///< insertion order; `head_` is the oldest once full
  std::size_t head_ = 0;
  std::vector<double> sorted_;
};

/// A streaming anomaly detector for one series; owned by whoever watches that series.
class detector {
public:
  explicit detector(detector_config config = {});

  /// Folds one point in and returns its anomaly score in [0, 1): 0 during warm-up and for
  /// anything already alarmed on, higher for rarer, new anomalies. Non-finite values are
  /// ignored (score 0). Times are expected non-decreasing; a time going back is treated
  /// as the previous time.
  double score(std::int64_t time_ms, double value);

  /// Surprise (nats) of the last point before alarm deduplication.
  [[nodiscard]] double last_surprise() const noexcept { return last_surprise_; }
  /// The statistic that produced the last point's surprise.
  [[nodiscard]] statistic last_cause() const noexcept { return last_cause_; }
  /// Points folded in so far.
  [[nodiscard]] std::uint64_t points() const noexcept { return points_; }
  [[nodiscard]] const detector_config& config() const noexcept { return config_; }

  /// The whole state as versioned, checksummed bytes.
  [[nodiscard]] std::vector<std::uint8_t> snapshot() const;
  /// Replaces the state with a snapshot taken under the same config; false (state
  /// unchanged) when the bytes are truncated, corrupt, of another version or config.
  [[nodiscard]] bool restore(const std::uint8_t* data, std::size_t size);

  /// Version of the encoding written by `snapshot`.
  static constexpr std::uint32_t snapshot_version = 1;

private:
  struct profile {
    std::vector<double> level; ///< smoothed value per slot
    std::vector<std::uint32_t> seen;
    std::int64_t slot_ms = 0; ///< 0 until the sampling step is known
  };

  double fold(std::int64_t time_ms, double value);
  double profile_residual(profile& p, std::int64_t period_ms, std::int64_t time_ms, double x);
  double shape_distance() const;

  detector_config config_;
  std::uint64_t points_ = 0;
  std::int64_t last_time_ms_ = 0;
  std::int64_t step_ms_ = 0; ///< smallest positive step seen among the first points
  double previous_ = 0.0;
  std::vector<double> recent_; ///< ring of the last short+long values
  std::size_t recent_head_ = 0;
  tail_calibrator calibrators_[statistic_count];
  profile daily_;
  profile weekly_;
  std::vector<double> shapes_; ///< ring of normalized shapes, shape_length each
  std::size_t shapes_head_ = 0;
  std::size_t shapes_count_ = 0;
  double recent_max_ = 0.0;
  double last_surprise_ = 0.0;
  statistic last_cause_ = statistic::high;
};

} // namespace aetherial::actors::anomaly
