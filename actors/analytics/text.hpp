#pragma once
// Formatting of dates and hours for reports; numbers are written by actors/kit/format.hpp.

#include <cstdint>
#include <string>
#include <string_view>

#include "actors/kit/format.hpp"
#include "schemas/envelope.hpp"

namespace aetherial::actors::analytics {

/// Milliseconds per UTC day.
inline constexpr std::int64_t day_ms = 86'400'000;

/// The UTC day number (days since 1970-01-01) of an event time.
[[nodiscard]] std::int32_t day_of(std::int64_t time_ms) noexcept;

// Numbers are written by the kit's formatter, the same for every agent: `fixed`, `integer`,
// `grouped` (1247 -> "1,247") and `percent` (0.153 -> "15%").
using kit::fixed;
using kit::grouped;
using kit::integer;
using kit::percent;

/// A UTC day number as "2026-01-09".
[[nodiscard]] std::string date(std::int32_t day);

/// The UTC hour of an event time as "14:00".
[[nodiscard]] std::string hour_of(std::int64_t time_ms);

/// The string's text, or empty for a missing field.
using kit::view;

} // namespace aetherial::actors::analytics
