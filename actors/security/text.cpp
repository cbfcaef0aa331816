#include "actors/security/text.hpp"

#include <charconv>
#include <cmath>

namespace aetherial::actors::security {

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

std::string duration(std::int64_t ms) {
  if (ms % 3'600'000 == 0 && ms >= 3'600'000) return integer(ms / 3'600'000) + " h";
  if (ms % 60'000 == 0 && ms >= 60'000) return integer(ms / 60'000) + " min";
  return integer(ms / 1000) + " s";
}

} // namespace aetherial::actors::security
