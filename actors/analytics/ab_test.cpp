#include "actors/analytics/ab_test.hpp"

#include <algorithm>
#include <cmath>

namespace aetherial::actors::analytics {

ab_result two_proportion_z_test(std::uint64_t users_a, std::uint64_t conversions_a,
                                std::uint64_t users_b, std::uint64_t conversions_b, double alpha,
                                std::uint64_t min_users) {
  ab_result r;
  conversions_a = std::min(conversions_a, users_a);
  conversions_b = std::min(conversions_b, users_b);
  const double na = static_cast<double>(users_a);
  const double nb = static_cast<double>(users_b);
  r.rate_a = users_a > 0 ? static_cast<double>(conversions_a) / na : 0.0;
  r.rate_b = users_b > 0 ? static_cast<double>(conversions_b) / nb : 0.0;
  r.enough_users = users_a >= std::max<std::uint64_t>(min_users, 1) &&
                   users_b >= std::max<std::uint64_t>(min_users, 1);
  if (users_a == 0 || users_b == 0) return r;
  const double pooled = static_cast<double>(conversions_a + conversions_b) / (na + nb);
  const double se = std::sqrt(pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb));
  if (!(se > 0.0)) return r; // all or none converted: no difference to test
  r.z = (r.rate_b - r.rate_a) / se;
  r.p_value = std::erfc(std::fabs(r.z) / std::sqrt(2.0));
  if (r.enough_users && r.p_value < alpha) r.winner = r.z > 0 ? "b" : "a";
  return r;
}

} // namespace aetherial::actors::analytics
