// Fuzz target: the bytes of a record value through the checks the runtime makes on every input
// before an agent sees it (runtime/applier.cpp, decode_record): a value starting with '{' is
// converted from JSON, anything else is verified as an envelope (size limit, FlatBuffers
// verifier, id and payload) and then validated (schema version, event time, every string's
// length and UTF-8). An accepted envelope is then read as the agents and the audit read it.
// Invariants: a refusal always says why; an accepted envelope renders as JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "schemas/json.hpp"
#include "schemas/validate.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace aetherial;

/// runtime/applier.cpp's verify_and_check: verification, then the input limits.
const schemas::fbs::Envelope* verify_and_check(const std::uint8_t* data, std::size_t size,
                                               const schemas::input_limits& limits,
                                               std::string* why) {
  const auto* env = schemas::verify_envelope(data, size, limits.max_event_bytes, why);
  if (env == nullptr || !schemas::check_envelope(*env, limits, why)) return nullptr;
  return env;
}

/// Reads what every agent reads of an accepted envelope.
void read_header(const schemas::fbs::Envelope& env, const std::uint8_t* data, std::size_t size) {
  const auto id = schemas::event_id::from(env.id());
  fuzz::require(id.to_string().size() == 32, "event id renders as 32 hex digits");
  fuzz::require(schemas::event_id::parse(id.to_string()) == id, "event id parses back");
  (void)schemas::payload_name(env.payload_type());
  const std::string json = schemas::envelope_to_json(data, size);
  fuzz::require(json.rfind("{\"error\"", 0) != 0, "an accepted envelope renders as JSON", json);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const schemas::input_limits limits; // the runtime's defaults
  std::string why;
  if (size > 0 && size <= limits.max_event_bytes && data[0] == '{') {
    schemas::json_defaults defaults;
    defaults.id = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
    defaults.event_time_ms = 1'700'000'000'000;
    defaults.principal = "json-ingress";
    const auto bytes = schemas::envelope_from_json(
        std::string_view(reinterpret_cast<const char*>(data), size), defaults, &why);
    if (!bytes) {
      fuzz::require(!why.empty(), "a refused JSON event says why");
      return 0;
    }
    const auto* env = verify_and_check(bytes->data(), bytes->size(), limits, &why);
    if (env == nullptr) {
      fuzz::require(!why.empty(), "a refused envelope says why");
      return 0;
    }
    read_header(*env, bytes->data(), bytes->size());
    return 0;
  }
  const auto* env = verify_and_check(data, size, limits, &why);
  if (env == nullptr) {
    fuzz::require(!why.empty(), "a refused envelope says why");
    return 0;
  }
  read_header(*env, data, size);
  return 0;
}
