#include "actors/operations/text.hpp"

namespace aetherial::actors::operations {

std::string utc_time(std::int64_t ms) {
  constexpr std::int64_t day_ms = 86'400'000;
  const std::int64_t of_day = ((ms % day_ms) + day_ms) % day_ms / 1000;
  return kit::two_digits(of_day / 3600) + ":" + kit::two_digits(of_day / 60 % 60) + ":" +
         kit::two_digits(of_day % 60) + " UTC";
}

} // namespace aetherial::actors::operations
