#pragma once
// Failure signatures: a failure message with what varies between runs taken out, so that
// failures with one cause fall into one cluster.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aetherial::actors::development {

/// Normalizes a failure message: paths become "<path>", hex addresses "<addr>", long hex
/// ids "<hex>", numbers "<n>", whitespace runs one space; cut to `max_length` characters.
/// "Timeout after 3012 ms at /src/db/pool.cpp:88 (0x7ffd1234)" and "Timeout after 5000 ms
/// at /build/db/pool.cpp:91 (0x55aa0011)" give the same signature.
[[nodiscard]] std::string failure_signature(std::string_view message, std::size_t max_length = 160);

/// The directory prefixes of a path, shortest first, then the path itself:
/// "src/db/pool.cpp" -> {"src/", "src/db/", "src/db/pool.cpp"}.
[[nodiscard]] std::vector<std::string> path_prefixes(std::string_view path);

} // namespace aetherial::actors::development
