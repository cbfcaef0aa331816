#include "actors/orchestrator/routing.hpp"

namespace aetherial::actors::orchestrator {

double success_rate(const route_stats& s) noexcept {
  const double n = static_cast<double>(s.successes) + static_cast<double>(s.failures);
  return (static_cast<double>(s.successes) + 1.0) / (n + 2.0);
}

route_stats stats_of(const std::map<std::string, route_stats>& stats, const route_option& o) {
  const auto it = stats.find(stats_key(o.agent, o.task_type));
  return it == stats.end() ? route_stats{} : it->second;
}

std::size_t choose_option(const std::vector<route_option>& options,
                          const std::map<std::string, route_stats>& stats) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < options.size(); ++i) {
    const route_stats a = stats_of(stats, options[i]);
    const route_stats b = stats_of(stats, options[best]);
    // (sa + 1) / (na + 2) > (sb + 1) / (nb + 2), cross-multiplied in 64 bits.
    const std::uint64_t lhs =
        (std::uint64_t{a.successes} + 1) * (std::uint64_t{b.successes} + b.failures + 2);
    const std::uint64_t rhs =
        (std::uint64_t{b.successes} + 1) * (std::uint64_t{a.successes} + a.failures + 2);
    if (lhs > rhs) best = i;
  }
  return best;
}

} // namespace aetherial::actors::orchestrator
