#include "actors/kit/format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace aetherial::actors::kit {

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  decimals = std::clamp(decimals, 0, 17);
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
  // The magnitude as unsigned: -INT64_MIN does not fit an int64.
  const std::uint64_t magnitude =
      v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, magnitude);
  const std::string_view digits(buf, static_cast<std::size_t>(r.ptr - buf));
  std::string out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string percent(double ratio) {
  return integer(std::llround(ratio * 100.0)) + "%";
}

std::string two_digits(std::int64_t v) {
  return (v >= 0 && v < 10 ? "0" : "") + integer(v);
}

std::optional<double> parse_double(std::string_view s) {
  double v = 0.0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

template <class T> std::optional<T> parse_integer(std::string_view s) {
  T v{};
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

template std::optional<int> parse_integer<int>(std::string_view);
template std::optional<long> parse_integer<long>(std::string_view);
template std::optional<long long> parse_integer<long long>(std::string_view);
template std::optional<unsigned> parse_integer<unsigned>(std::string_view);
template std::optional<unsigned long> parse_integer<unsigned long>(std::string_view);
template std::optional<unsigned long long> parse_integer<unsigned long long>(std::string_view);

std::optional<bool> parse_bool(std::string_view s) {
  std::string l;
  for (char c : s)
    l += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (l == "true" || l == "yes" || l == "1" || l == "on") return true;
  if (l == "false" || l == "no" || l == "0" || l == "off") return false;
  return std::nullopt;
}

std::string utc_time(std::int64_t ms) {
  constexpr std::int64_t day_ms = 86'400'000;
  const std::int64_t of_day = ((ms % day_ms) + day_ms) % day_ms / 1000;
  return two_digits(of_day / 3600) + ":" + two_digits(of_day / 60 % 60) + ":" +
         two_digits(of_day % 60) + " UTC";
}

std::string duration(std::int64_t ms) {
  if (ms % 3'600'000 == 0 && ms >= 3'600'000) return integer(ms / 3'600'000) + " h";
  if (ms % 60'000 == 0 && ms >= 60'000) return integer(ms / 60'000) + " min";
  return integer(ms / 1000) + " s";
}

} // namespace aetherial::actors::kit
