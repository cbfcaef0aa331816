#pragma once
// What an inbound envelope must satisfy beyond FlatBuffers verification before any agent
// sees it: a schema major version this reader knows, an event time inside the accepted
// window, and every string (however deeply nested) valid UTF-8 and within its length
// limit. Limits on a field are declared in the schema beside it (`(max_len: 256)`); a
// string without one is bounded by `input_limits::max_string_bytes`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "schemas/envelope.hpp"
#include "schemas/limits.hpp"

namespace aetherial::schemas {

/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most
/// U+10FFFF).
[[nodiscard]] bool valid_utf8(std::string_view text) noexcept;

/// Checks a verified envelope against `limits` (see the file comment). Returns false with a
/// one-line reason naming the field ("Envelope.key: 300 bytes exceed max_len 256").
[[nodiscard]] bool check_envelope(const fbs::Envelope& env, const input_limits& limits,
                                  std::string* why);

} // namespace aetherial::schemas
