#pragma once
// Number formatting and parsing for everything agents write and read as text: decision
// reasons, reply texts, key-value fields, settings, task parameters. Independent of the C
// locale (std::to_chars / std::from_chars and explicit code, never printf or iostreams), so
// the same numbers give the same bytes on every machine: decisions are compared byte for byte
// against recorded logs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <flatbuffers/flatbuffers.h>

namespace aetherial::actors::kit {

/// `v` with exactly `decimals` digits after the point, rounded correctly from its exact binary
/// value ("0.35", "12.000", "-0.50"); "nan", "inf" or "-inf" for non-finite values (a NaN's
/// sign is not shown); a value too long for fixed notation (beyond about 1e60) in scientific
/// notation with `decimals` digits ("1.50e+300"). `decimals` is clamped to 0..17.
[[nodiscard]] std::string fixed(double v, int decimals = 2);

/// An integer as decimal text, with "-" for negatives and no grouping ("-1234").
[[nodiscard]] std::string integer(std::int64_t v);

/// An integer with a comma between groups of three digits: 1247 -> "1,247", -12345 ->
/// "-12,345".
[[nodiscard]] std::string grouped(std::int64_t v);

/// A ratio as a whole percentage rounded half away from zero: 0.153 -> "15%", 0.125 -> "13%".
[[nodiscard]] std::string percent(double ratio);

/// `v` (0 <= v) written with at least two digits: 7 -> "07", 12 -> "12", 123 -> "123".
[[nodiscard]] std::string two_digits(std::int64_t v);

/// The UTC time of day of an event time in ms since the epoch, as "HH:MM:SS UTC".
[[nodiscard]] std::string utc_time(std::int64_t ms);

/// A duration in ms as "2 h", "15 min" or "90 s" (the largest unit that divides it).
[[nodiscard]] std::string duration(std::int64_t ms);

/// The text of a FlatBuffers string field, or empty for a missing one.
[[nodiscard]] inline std::string_view view(const flatbuffers::String* s) {
  return s ? std::string_view(s->data(), s->size()) : std::string_view{};
}

/// The whole of `s` as a finite double ("0.5", "-2", "1e3"; no leading '+' or spaces);
/// nullopt for anything else, "nan" and "inf" included.
[[nodiscard]] std::optional<double> parse_double(std::string_view s);

/// The whole of `s` as a decimal integer of type `T` (no leading '+' or spaces; a '-' only for
/// signed types); nullopt for anything else or a value outside `T`.
template <class T> [[nodiscard]] std::optional<T> parse_integer(std::string_view s);

/// "true", "yes", "on", "1" (any case) -> true; "false", "no", "off", "0" -> false; else
/// nullopt.
[[nodiscard]] std::optional<bool> parse_bool(std::string_view s);

extern template std::optional<int> parse_integer<int>(std::string_view);
extern template std::optional<long> parse_integer<long>(std::string_view);
extern template std::optional<long long> parse_integer<long long>(std::string_view);
extern template std::optional<unsigned> parse_integer<unsigned>(std::string_view);
extern template std::optional<unsigned long> parse_integer<unsigned long>(std::string_view);
extern template std::optional<unsigned long long>
    parse_integer<unsigned long long>(std::string_view);

} // namespace aetherial::actors::kit
