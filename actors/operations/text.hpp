#pragma once
// Locale-independent number formatting and null-safe string access for decision reasons.

#include <cstdint>
#include <string>
#include <string_view>

#include "schemas/envelope.hpp"

namespace aetherial::actors::operations {

/// `v` with `decimals` digits after the point, independent of the C locale.
[[nodiscard]] std::string fixed(double v, int decimals = 2);

/// An integer as decimal text.
[[nodiscard]] std::string integer(std::int64_t v);

/// The UTC time of day of an event time in ms since the epoch, as "HH:MM:SS UTC".
[[nodiscard]] std::string utc_time(std::int64_t ms);

/// The string's text, or empty for a missing field.
[[nodiscard]] inline std::string_view text(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view{};
}

} // namespace aetherial::actors::operations
