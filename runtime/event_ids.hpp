#pragma once
// The one event-id scheme of envelopes the runtime makes itself (telemetry, incidents):
// 64 bits from the source's name, 64 from a per-source number, both mixed. Distinct sources
// never collide by construction of the high half; one source's ids are distinct as long as
// its numbers are.

#include <cstdint>
#include <string_view>

#include "schemas/envelope.hpp"

namespace aetherial::runtime {

/// The id of the `n`-th runtime-made envelope of `source` (e.g. "telemetry/node-1",
/// "quarantine/operations/3"; n a sequence number or a time in ms).
[[nodiscard]] inline schemas::event_id runtime_event_id(std::string_view source,
                                                        std::uint64_t n) noexcept {
  const auto h = schemas::fnv1a(source);
  return {schemas::mix64(h), schemas::mix64(h ^ schemas::mix64(n))};
}

} // namespace aetherial::runtime
