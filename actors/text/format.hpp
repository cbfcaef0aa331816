#pragma once
// Locale-independent number formatting and null-safe access to FlatBuffers strings, for the
// texts and fields agents emit.

#include <cstdint>
#include <string>
#include <string_view>

#include "schemas/envelope.hpp"

namespace aetherial::actors::text {

/// `v` with `decimals` digits after the point, independent of the C locale.
[[nodiscard]] std::string fixed(double v, int decimals = 2);

/// An integer as decimal text.
[[nodiscard]] std::string integer(std::int64_t v);

/// The string's text, or empty for a missing field.
[[nodiscard]] inline std::string_view view(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view{};
}

/// Parses a whole string as a double; `fallback` if it is not one.
[[nodiscard]] double parse_double(std::string_view s, double fallback);

/// Parses a whole string as an unsigned integer; `fallback` if it is not one.
[[nodiscard]] std::uint64_t parse_unsigned(std::string_view s, std::uint64_t fallback);

/// "true", "yes", "1", "on" (any case) -> true; "false", "no", "0", "off" -> false; else
/// `fallback`.
[[nodiscard]] bool parse_bool(std::string_view s, bool fallback);

} // namespace aetherial::actors::text
