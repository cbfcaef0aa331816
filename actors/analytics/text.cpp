#include "actors/analytics/text.hpp"

namespace aetherial::actors::analytics {

std::int32_t day_of(std::int64_t time_ms) noexcept {
  std::int64_t d = time_ms / day_ms;
  if (time_ms % day_ms < 0) --d;
  return static_cast<std::int32_t>(d);
}

std::string date(std::int32_t day) {
  // Civil date from a day number (H. Hinnant's algorithm).
  std::int64_t z = static_cast<std::int64_t>(day) + 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const std::int64_t doe = z - era * 146'097;
  const std::int64_t yoe = (doe - doe / 1'460 + doe / 36'524 - doe / 146'096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return integer(y) + "-" + kit::two_digits(m) + "-" + kit::two_digits(d);
}

std::string hour_of(std::int64_t time_ms) {
  std::int64_t in_day = time_ms % day_ms;
  if (in_day < 0) in_day += day_ms;
  const std::int64_t h = in_day / 3'600'000;
  return kit::two_digits(h) + ":00";
}

} // namespace aetherial::actors::analytics
