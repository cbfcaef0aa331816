#pragma once
// Additive Holt-Winters (triple exponential smoothing) with a damped trend, falling back to
// Holt's double exponential smoothing until a first season has been seen.

#include <cstdint>

#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// Smoothing parameters of a Holt-Winters forecaster.
struct holt_winters_params {
  double alpha = 0.5;              ///< level smoothing
  double beta = 0.1;               ///< trend smoothing
  double gamma = 0.3;              ///< seasonal smoothing
  double phi = 0.9;                ///< trend damping
  std::uint32_t season_length = 0; ///< samples per season; 0 or 1 = no season
  double error_smoothing = 0.3;    ///< EWMA weight of the one-step absolute error
};

/// Folds one sample into the forecaster.
void holt_winters_update(holt_winters_state& s, const holt_winters_params& p, double x);

/// The forecast `h` samples after the last one (h >= 1).
[[nodiscard]] double holt_winters_forecast(const holt_winters_state& s,
                                           const holt_winters_params& p, std::uint32_t h);

/// True once seasonal indices are in use.
[[nodiscard]] inline bool holt_winters_seasonal(const holt_winters_state& s) {
  return s.season.size() >= 2;
}

} // namespace aetherial::actors::operations
