#include "actors/operations/text.hpp"

#include <charconv>
#include <cmath>

namespace aetherial::actors::operations {

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (r.ec == std::errc{}) return std::string(buf, r.ptr);
  const auto g = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, decimals);
  return std::string(buf, g.ptr);
}

std::string integer(std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string utc_time(std::int64_t ms) {
  constexpr std::int64_t day_ms = 86'400'000;
  const std::int64_t of_day = ((ms % day_ms) + day_ms) % day_ms / 1000;
  auto two = [](std::int64_t v) { return std::string(v < 10 ? "0" : "") + integer(v); };
  return two(of_day / 3600) + ":" + two(of_day / 60 % 60) + ":" + two(of_day % 60) + " UTC";
}

} // namespace aetherial::actors::operations
