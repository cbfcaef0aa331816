#pragma once
// Choosing between the agents capable of an intent by what has worked.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "actors/orchestrator/config.hpp"
#include "actors/orchestrator/state.hpp"

namespace aetherial::actors::orchestrator {

/// Laplace-smoothed success rate (s + 1) / (n + 2): 0.5 for an unknown route.
[[nodiscard]] double success_rate(const route_stats& s) noexcept;

/// The counts of an (agent, task type), zero if never seen.
[[nodiscard]] route_stats stats_of(const std::map<std::string, route_stats>& stats,
                                   const route_option& o);

/// Index of the option with the best success rate; equal rates keep the table order.
/// Rates are compared as exact fractions, so the choice never depends on rounding.
[[nodiscard]] std::size_t choose_option(const std::vector<route_option>& options,
                                        const std::map<std::string, route_stats>& stats);

} // namespace aetherial::actors::orchestrator
