#include "actors/analytics/text.hpp"

#include <charconv>
#include <cmath>

namespace aetherial::actors::analytics {

std::int32_t day_of(std::int64_t time_ms) noexcept {
  std::int64_t d = time_ms / day_ms;
  if (time_ms % day_ms < 0) --d;
  return static_cast<std::int32_t>(d);
}

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

std::string grouped(std::int64_t v) {
  const std::string digits = integer(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return v < 0 ? "-" + out : out;
}

std::string percent(double ratio) {
  return integer(std::llround(ratio * 100.0)) + "%";
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
  auto two = [](std::int64_t x) { return (x < 10 ? "0" : "") + integer(x); };
  return integer(y) + "-" + two(m) + "-" + two(d);
}

std::string hour_of(std::int64_t time_ms) {
  std::int64_t in_day = time_ms % day_ms;
  if (in_day < 0) in_day += day_ms;
  const std::int64_t h = in_day / 3'600'000;
  return (h < 10 ? "0" : "") + integer(h) + ":00";
}

} // namespace aetherial::actors::analytics
