#pragma once
// Locale-independent formatting of numbers, dates and hours for reports.

#include <cstdint>
#include <string>
#include <string_view>

#include "schemas/envelope.hpp"

namespace aetherial::actors::analytics {

/// Milliseconds per UTC day.
inline constexpr std::int64_t day_ms = 86'400'000;

/// The UTC day number (days since 1970-01-01) of an event time.
[[nodiscard]] std::int32_t day_of(std::int64_t time_ms) noexcept;

/// `v` with `decimals` digits after the point.
[[nodiscard]] std::string fixed(double v, int decimals = 2);

/// An integer as decimal text.
[[nodiscard]] std::string integer(std::int64_t v);

/// An integer with thousands separators: 1247 -> "1,247".
[[nodiscard]] std::string grouped(std::int64_t v);

/// A ratio as a whole percentage: 0.153 -> "15%".
[[nodiscard]] std::string percent(double ratio);

/// A UTC day number as "2026-01-09".
[[nodiscard]] std::string date(std::int32_t day);

/// The UTC hour of an event time as "14:00".
[[nodiscard]] std::string hour_of(std::int64_t time_ms);

/// The string's text, or empty for a missing field.
[[nodiscard]] inline std::string_view text(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view{};
}

} // namespace aetherial::actors::analytics
