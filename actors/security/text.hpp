#pragma once
// Duration formatting and null-safe string access for evidence and reasons; numbers are
// written by actors/kit/format.hpp.

#include <cstdint>
#include <string>
#include <string_view>

#include "actors/kit/format.hpp"
#include "schemas/envelope.hpp"

namespace aetherial::actors::security {

// Numbers are written by the kit's formatter, the same for every agent.
using kit::fixed;
using kit::integer;

/// A duration in ms as "15 min", "2 h" or "90 s".
[[nodiscard]] std::string duration(std::int64_t ms);

/// The string's text, or empty for a missing field.
using kit::view;

} // namespace aetherial::actors::security
