#pragma once
// Time formatting and null-safe string access for decision reasons; numbers are written by
// actors/kit/format.hpp.

#include <cstdint>
#include <string>
#include <string_view>

#include "actors/kit/format.hpp"
#include "schemas/envelope.hpp"

namespace aetherial::actors::operations {

// Numbers are written by the kit's formatter, the same for every agent.
using kit::fixed;
using kit::integer;

/// The UTC time of day of an event time in ms since the epoch, as "HH:MM:SS UTC".
[[nodiscard]] std::string utc_time(std::int64_t ms);

/// The string's text, or empty for a missing field.
using kit::view;

} // namespace aetherial::actors::operations
