// Fuzz target: JSON text through the JSON -> envelope conversion (`aetherial produce` and the
// runtime's JSON ingress, schemas/json.hpp). Invariants: a refusal says why; a converted event
// verifies; and its JSON form is a fixed point: envelope -> JSON -> envelope -> JSON gives
// the same JSON and the same envelope bytes again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schemas/json.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace aetherial;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  schemas::json_defaults defaults;
  defaults.id = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
  defaults.event_time_ms = 1'700'000'000'000;
  std::string why;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto bytes = schemas::envelope_from_json(text, defaults, &why);
  if (!bytes) {
    fuzz::require(!why.empty(), "a refused JSON event says why");
    return 0;
  }
  fuzz::require(schemas::verify_envelope(bytes->data(), bytes->size(), ~std::size_t{0}, &why) !=
                    nullptr,
                "a converted event verifies", why);

  const std::string json1 = schemas::envelope_to_json(bytes->data(), bytes->size());
  const auto again = schemas::envelope_from_json(json1, defaults, &why);
  fuzz::require(again.has_value(), "an envelope's JSON converts back", json1 + " -> " + why);
  const std::string json2 = schemas::envelope_to_json(again->data(), again->size());
  fuzz::require(json1 == json2, "envelope -> JSON -> envelope -> JSON is stable",
                json1 + " != " + json2);
  const auto third = schemas::envelope_from_json(json2, defaults, &why);
  fuzz::require(third.has_value() && *third == *again,
                "the same JSON converts to the same envelope bytes", json2);
  return 0;
}
