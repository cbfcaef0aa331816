#pragma once
// JSON <-> envelope conversion with the schema itself (FlatBuffers' parser), so producers
// that cannot link FlatBuffers (kcat, scripts) can write events as JSON lines.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schemas/envelope.hpp"

namespace aetherial::schemas {

/// Values for the header fields a JSON event leaves out.
struct json_defaults {
  event_id id;
  std::int64_t event_time_ms = 0;
  std::string principal = "anonymous";
};

/// The deepest nesting of objects and arrays a JSON event may have (FlatBuffers' own
/// parser refuses deeper input; checking first keeps every step free of deep recursion).
inline constexpr std::size_t max_json_depth = 64;

/// Converts one JSON object to envelope bytes. The object is an Envelope in FlatBuffers'
/// JSON form ({"key":..., "payload_type":"ServiceLoad", "payload":{...}}); `type` is
/// accepted for `payload_type`, and ids may be written as 32 hex digits. Missing id, event
/// time and principal come from `defaults`. Returns nullopt with `why` on any error.
[[nodiscard]] std::optional<std::vector<std::uint8_t>>
envelope_from_json(std::string_view json, const json_defaults& defaults, std::string* why);

/// A verified envelope as one line of JSON (ids as 32 hex digits). An identity token in the
/// payload keeps its header and claims but not its signature ("<header>.<claims>.[signature
/// withheld]"): what the output shows cannot be presented as a credential again.
[[nodiscard]] std::string envelope_to_json(const std::uint8_t* data, std::size_t size);

} // namespace aetherial::schemas
