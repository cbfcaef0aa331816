#pragma once
// The two-proportion z-test behind A/B verdicts.

#include <cstdint>
#include <string>

namespace aetherial::actors::analytics {

/// The outcome of comparing conversion rates of variants A and B.
struct ab_result {
  double rate_a = 0.0;
  double rate_b = 0.0;
  double z = 0.0;       ///< (rate_b - rate_a) / pooled standard error
  double p_value = 1.0; ///< two-sided
  bool enough_users = false;
  std::string winner = "none"; ///< "a", "b" or "none" (not significant, or too few users)
};

/// Pooled two-proportion z-test; significant when p < alpha and both variants have at
/// least `min_users` users.
[[nodiscard]] ab_result two_proportion_z_test(std::uint64_t users_a, std::uint64_t conversions_a,
                                              std::uint64_t users_b, std::uint64_t conversions_b,
                                              double alpha, std::uint64_t min_users);

} // namespace aetherial::actors::analytics
