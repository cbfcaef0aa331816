#include "schemas/json.hpp"

#include <flatbuffers/idl.h>
#include <nlohmann/json.hpp>

#include "schemas/schema_text.hpp"

namespace aetherial::schemas {
namespace {

/// One parser per thread: parsing the schema costs far more than parsing an event.
flatbuffers::Parser& envelope_parser() {
  thread_local std::unique_ptr<flatbuffers::Parser> parser;
  if (!parser) {
    flatbuffers::IDLOptions opts;
    opts.indent_step = -1;
    opts.strict_json = true;
    parser = std::make_unique<flatbuffers::Parser>(opts);
    if (!parser->Parse(envelope_fbs_text)) {
      // The schema is compiled in; failing here is a build defect, not bad input.
      throw std::logic_error("embedded envelope schema does not parse: " + parser->error_);
    }
  }
  return *parser;
}

nlohmann::json id_json(const event_id& id) {
  return {{"hi", id.hi}, {"lo", id.lo}};
}

/// Accepts an id as {"hi":..,"lo":..} or as 32 hex digits.
bool normalize_id(nlohmann::json& obj, const char* field, std::string* why) {
  auto it = obj.find(field);
  if (it == obj.end() || !it->is_string()) return true;
  auto parsed = event_id::parse(it->get<std::string>());
  if (!parsed) {
    if (why) *why = std::string("field '") + field + "' is not 32 hex digits";
    return false;
  }
  *it = id_json(*parsed);
  return true;
}

} // namespace

std::optional<std::vector<std::uint8_t>>
envelope_from_json(std::string_view json, const json_defaults& defaults, std::string* why) {
  nlohmann::json obj = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (obj.is_discarded() || !obj.is_object()) {
    if (why) *why = "not a JSON object";
    return std::nullopt;
  }
  if (obj.contains("type") && !obj.contains("payload_type")) {
    obj["payload_type"] = obj["type"];
    obj.erase("type");
  }
  if (!normalize_id(obj, "id", why) || !normalize_id(obj, "causation_id", why)) return std::nullopt;
  if (!obj.contains("id")) obj["id"] = id_json(defaults.id);
  if (!obj.contains("event_time_ms")) obj["event_time_ms"] = defaults.event_time_ms;
  if (!obj.contains("principal")) obj["principal"] = defaults.principal;
  if (!obj.contains("key")) obj["key"] = "";

  auto& parser = envelope_parser();
  const std::string text = obj.dump();
  if (!parser.ParseJson(text.c_str())) {
    if (why) *why = "JSON does not match the envelope schema: " + parser.error_;
    return std::nullopt;
  }
  std::vector<std::uint8_t> bytes(parser.builder_.GetBufferPointer(),
                                  parser.builder_.GetBufferPointer() + parser.builder_.GetSize());
  std::string verify_why;
  if (verify_envelope(bytes.data(), bytes.size(), default_max_event_bytes, &verify_why) ==
      nullptr) {
    if (why) *why = verify_why;
    return std::nullopt;
  }
  return bytes;
}

std::string envelope_to_json(const std::uint8_t* data, std::size_t size) {
  std::string why;
  const auto* env = verify_envelope(data, size, ~std::size_t{0}, &why);
  if (env == nullptr) return nlohmann::json{{"error", why}}.dump();
  std::string text;
  if (!flatbuffers::GenerateText(envelope_parser(), data, &text))
    return nlohmann::json{{"error", "cannot render envelope"}}.dump();
  auto obj = nlohmann::json::parse(text, nullptr, false);
  if (obj.is_discarded()) return text;
  obj["id"] = event_id::from(env->id()).to_string();
  if (env->causation_id()) obj["causation_id"] = event_id::from(env->causation_id()).to_string();
  return obj.dump();
}

} // namespace aetherial::schemas
