#pragma once
// Cutting UTF-8 text by bytes without cutting a character in half.

#include <cstddef>
#include <string_view>

namespace aetherial::actors::text {

/// `at` (below `s.size()`) moved back to the start of the UTF-8 character it falls in (past
/// continuation bytes, 10xxxxxx), so that `s.substr(0, result)` never ends in half a character.
[[nodiscard]] inline std::size_t utf8_boundary(std::string_view s, std::size_t at) noexcept {
  while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80)
    --at;
  return at;
}

} // namespace aetherial::actors::text
