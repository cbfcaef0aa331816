#pragma once
// NAB's scoring rules (numenta/NAB nab/sweeper.py and runner.normalize), reimplemented:
// probationary period, scaled-sigmoid weighting, threshold sweep over the whole corpus per
// profile, normalization between the null and the perfect detector.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aetherial::bench::nab {

/// A labelled anomaly window, in seconds since the epoch, both ends inclusive.
struct window {
  std::int64_t start_s = 0;
  std::int64_t end_s = 0;
};

/// Windows per data file, keyed "<category>/<name>.csv" as in combined_windows.json.
using window_map = std::map<std::string, std::vector<window>>;

/// Cost weights of one profile (profiles.json "CostMatrix").
struct profile {
  std::string name;
  double tp_weight = 1.0;
  double fn_weight = 1.0;
  double fp_weight = 0.11;
};

/// One detector's scores for one data file.
struct scored_series {
  std::string key;                   ///< "<category>/<name>.csv"
  std::vector<std::int64_t> times_s; ///< row timestamps
  std::vector<double> values;        ///< row values
  std::vector<double> scores;        ///< anomaly scores in [0, 1]
};

/// Per-file breakdown at the chosen threshold.
struct file_result {
  std::string key;
  double raw = 0.0;
  int windows = 0;  ///< windows with at least one scored row
  int detected = 0; ///< windows with a detection
  int false_positives = 0;
};

/// The result of one profile over a corpus.
struct profile_result {
  std::string profile;
  double threshold = 1.1; ///< best threshold (1.1: flag nothing)
  double raw = 0.0;       ///< summed raw score at that threshold
  double null_score = 0.0;
  double perfect_score = 0.0;
  double normalized = 0.0; ///< 100 (raw - null) / (perfect - null)
  int windows = 0;
  int detected = 0;
  int false_positives = 0;
  std::vector<file_result> files;
};

/// NAB's scaled sigmoid: 2 sigmoid(-5 x) - 1, and -1 beyond 3.
[[nodiscard]] double scaled_sigmoid(double x);

/// Parses "YYYY-MM-DD HH:MM:SS[.ffffff]" into seconds since the epoch (UTC).
[[nodiscard]] std::optional<std::int64_t> parse_time(const std::string& text);

/// Reads combined_windows.json; nullopt (with `error` set) if unreadable.
[[nodiscard]] std::optional<window_map> read_windows(const std::string& path, std::string& error);

/// Reads profiles.json; nullopt (with `error` set) if unreadable.
[[nodiscard]] std::optional<std::vector<profile>> read_profiles(const std::string& path,
                                                                std::string& error);

/// Reads a NAB data or result CSV (timestamp,value[,anomaly_score,...]); scores are 0 when
/// the file has no anomaly_score column.
[[nodiscard]] std::optional<scored_series> read_series(const std::string& path, std::string& error);

/// Scores a corpus under one profile exactly as NAB does: the threshold is swept over all
/// files at once, and the result normalized with the null and the perfect detector.
/// The perfect detector flags the left edge of every window of the corpus' files.
[[nodiscard]] profile_result score_corpus(const std::vector<scored_series>& corpus,
                                          const window_map& windows, const profile& p,
                                          double probation_percent = 0.15);

} // namespace aetherial::bench::nab
