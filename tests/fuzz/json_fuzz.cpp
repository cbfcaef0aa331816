// Fuzz target: JSON text through the JSON -> envelope conversion (`aetherial produce` and the
// runtime's JSON ingress, schemas/json.hpp). Invariants: a refusal says why; a converted event
// verifies; its JSON form converts back; and from there JSON is a fixed point: JSON -> envelope
// -> JSON gives the same JSON and the same envelope bytes again. The first rendering may
// normalize: FlatBuffers prints doubles in fixed notation with 12 decimals, so a value below
// 5e-13 prints as 0.0 and then reads as the default (tests/fuzz/README.md).
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
  const auto third = schemas::envelope_from_json(json2, defaults, &why);
  fuzz::require(third.has_value(), "a rendered envelope's JSON converts back",
                json2 + " -> " + why);
  const std::string json3 = schemas::envelope_to_json(third->data(), third->size());
  fuzz::require(json2 == json3, "JSON -> envelope -> JSON is stable", json2 + " != " + json3);
  const auto fourth = schemas::envelope_from_json(json3, defaults, &why);
  fuzz::require(fourth.has_value() && *fourth == *third,
                "the same JSON converts to the same envelope bytes", json3);
  return 0;
}
