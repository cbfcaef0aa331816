#pragma once
// Readable one-line renderings of decisions, for the demo and the CLI.

#include <string>

#include "schemas/envelope.hpp"

namespace aetherial::app {

/// "HH:MM:SS" (UTC) of an event time in ms.
[[nodiscard]] std::string clock_time(std::int64_t event_time_ms);

/// One readable line for a decision envelope ("scale web 2 -> 5 (hpa): ...").
[[nodiscard]] std::string render_decision(const schemas::fbs::Envelope& env);

} // namespace aetherial::app
