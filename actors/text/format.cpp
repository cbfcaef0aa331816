#include "actors/text/format.hpp"

#include <charconv>
#include <cmath>

namespace aetherial::actors::text {

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

double parse_double(std::string_view s, double fallback) {
  double v = 0.0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || !std::isfinite(v)) return fallback;
  return v;
}

std::uint64_t parse_unsigned(std::string_view s, std::uint64_t fallback) {
  std::uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return fallback;
  return v;
}

bool parse_bool(std::string_view s, bool fallback) {
  std::string l;
  for (char c : s)
    l += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  if (l == "true" || l == "yes" || l == "1" || l == "on") return true;
  if (l == "false" || l == "no" || l == "0" || l == "off") return false;
  return fallback;
}

} // namespace aetherial::actors::text
