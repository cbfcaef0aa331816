#include "actors/operations/holt_winters.hpp"

#include <cmath>
#include <cstddef>

namespace aetherial::actors::operations {

namespace {

// phi + phi^2 + ... + phi^h: how much of the trend a damped forecast h steps ahead keeps.
double damped_sum(double phi, std::uint32_t h) {
  double sum = 0.0;
  double term = 1.0;
  for (std::uint32_t i = 0; i < h; ++i) {
    term *= phi;
    sum += term;
  }
  return sum;
}

double season_at(const holt_winters_state& s, std::uint64_t index) {
  if (!holt_winters_seasonal(s)) return 0.0;
  return s.season[static_cast<std::size_t>(index % s.season.size())];
}

} // namespace

double holt_winters_forecast(const holt_winters_state& s, const holt_winters_params& p,
                             std::uint32_t h) {
  if (s.observations == 0) return 0.0;
  if (h == 0) h = 1;
  // The next sample has index `observations`; h ahead is index observations + h - 1.
  return s.level + damped_sum(p.phi, h) * s.trend + season_at(s, s.observations + h - 1);
}

void holt_winters_update(holt_winters_state& s, const holt_winters_params& p, double x) {
  if (!std::isfinite(x)) return;
  if (s.observations == 0) {
    s.level = x;
    s.trend = 0.0;
    s.abs_error = 0.0;
    s.observations = 1;
    if (p.season_length >= 2) s.first_season.assign(1, x);
    return;
  }
  const double predicted = holt_winters_forecast(s, p, 1);
  s.abs_error =
      p.error_smoothing * std::fabs(x - predicted) + (1.0 - p.error_smoothing) * s.abs_error;

  const std::uint64_t index = s.observations;
  if (holt_winters_seasonal(s)) {
    const std::size_t slot = static_cast<std::size_t>(index % s.season.size());
    const double old_season = s.season[slot];
    const double old_level = s.level;
    s.level = p.alpha * (x - old_season) + (1.0 - p.alpha) * (old_level + p.phi * s.trend);
    s.trend = p.beta * (s.level - old_level) + (1.0 - p.beta) * p.phi * s.trend;
    s.season[slot] = p.gamma * (x - s.level) + (1.0 - p.gamma) * old_season;
  } else {
    const double old_level = s.level;
    s.level = p.alpha * x + (1.0 - p.alpha) * (old_level + p.phi * s.trend);
    s.trend = p.beta * (s.level - old_level) + (1.0 - p.beta) * p.phi * s.trend;
    if (p.season_length >= 2) {
      s.first_season.push_back(x);
      if (s.first_season.size() >= p.season_length) {
        // Only the latest season counts (a restored state may carry more samples).
        s.first_season.erase(s.first_season.begin(),
                             s.first_season.end() - static_cast<std::ptrdiff_t>(p.season_length));
        // The first season is complete: its deviations from the trend line through its
        // mean become the seasonal indices, and the level moves to its last sample.
        const double m = static_cast<double>(p.season_length);
        double mean = 0.0;
        for (double v : s.first_season)
          mean += v;
        mean /= m;
        const double centre = (m - 1.0) / 2.0;
        s.season.resize(p.season_length);
        for (std::size_t i = 0; i < s.first_season.size(); ++i)
          s.season[i] = s.first_season[i] - (mean + s.trend * (static_cast<double>(i) - centre));
        s.level = mean + s.trend * centre;
        s.first_season.clear();
      }
    }
  }
  s.observations = index + 1;
}

} // namespace aetherial::actors::operations
