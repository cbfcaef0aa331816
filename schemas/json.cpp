#include "schemas/json.hpp"

#include <algorithm>

#include <flatbuffers/idl.h>
#include <nlohmann/json.hpp>

#include "schemas/schema_text.hpp"

namespace aetherial::schemas {
namespace {

/// The envelope schema, parsed for reading JSON or, with `deprecated` given, for writing it.
std::unique_ptr<flatbuffers::Parser>
make_parser(std::vector<std::unique_ptr<flatbuffers::FieldDef>>* deprecated = nullptr) {
  flatbuffers::IDLOptions opts;
  opts.indent_step = -1;
  opts.strict_json = true;
  auto parser = std::make_unique<flatbuffers::Parser>(opts);
  if (!parser->Parse(envelope_fbs_text)) {
    // The schema is compiled in; failing here is a build defect, not bad input.
    throw std::logic_error("embedded envelope schema does not parse: " + parser->error_);
  }
  // FlatBuffers' text generator prints a deprecated field that is present, but its verifier
  // never checked it (its offset may point anywhere): the writing parser does not list them
  // (and `deprecated` keeps them, which the field list owned).
  if (deprecated != nullptr)
    for (auto* def : parser->structs_.vec) {
      auto& fields = def->fields.vec;
      for (auto* f : fields)
        if (f->deprecated) deprecated->emplace_back(f);
      fields.erase(std::remove_if(fields.begin(), fields.end(),
                                  [](const flatbuffers::FieldDef* f) { return f->deprecated; }),
                   fields.end());
    }
  return parser;
}

/// One parser per thread and use: parsing the schema costs far more than parsing an event.
flatbuffers::Parser& envelope_parser() {
  thread_local std::unique_ptr<flatbuffers::Parser> parser = make_parser();
  return *parser;
}
flatbuffers::Parser& envelope_text_parser() {
  thread_local std::vector<std::unique_ptr<flatbuffers::FieldDef>> deprecated;
  thread_local std::unique_ptr<flatbuffers::Parser> parser = make_parser(&deprecated);
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

/// The deepest nesting of objects and arrays in `json`, counted without recursion (strings
/// and their escapes skipped); stops counting once `limit` is passed.
std::size_t nesting_depth(std::string_view json, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest && (deepest = depth) > limit) break;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

/// nlohmann's parse error without its "last read" echo of the input (which may be any
/// bytes) and its exception prefix.
std::string parse_error_text(const std::exception& e) {
  std::string text = e.what();
  if (auto at = text.find("; last read"); at != std::string::npos) text.erase(at);
  if (text.rfind("[json.exception.", 0) == 0)
    if (auto close = text.find("] "); close != std::string::npos) text.erase(0, close + 2);
  return text;
}

} // namespace

std::optional<std::vector<std::uint8_t>>
envelope_from_json(std::string_view json, const json_defaults& defaults, std::string* why) {
  if (const auto depth = nesting_depth(json, max_json_depth); depth > max_json_depth) {
    if (why) *why = "JSON nests deeper than " + std::to_string(max_json_depth) + " levels";
    return std::nullopt;
  }
  nlohmann::json obj;
  try {
    obj = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::exception& e) {
    if (why) *why = "malformed JSON: " + parse_error_text(e);
    return std::nullopt;
  }
  if (!obj.is_object()) {
    if (why) *why = std::string("not a JSON object but ") + obj.type_name();
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
  if (!flatbuffers::GenerateText(envelope_text_parser(), data, &text))
    return nlohmann::json{{"error", "cannot render envelope"}}.dump();
  auto obj = nlohmann::json::parse(text, nullptr, false);
  if (obj.is_discarded()) return text;
  obj["id"] = event_id::from(env->id()).to_string();
  if (env->causation_id()) obj["causation_id"] = event_id::from(env->causation_id()).to_string();
  if (auto p = obj.find("payload"); p != obj.end() && p->is_object())
    if (auto t = p->find("token"); t != p->end() && t->is_string()) {
      const auto token = t->get<std::string>();
      const auto dot = token.rfind('.');
      *t = (dot == std::string::npos ? std::string() : token.substr(0, dot + 1)) +
           "[signature withheld]";
    }
  return obj.dump();
}

} // namespace aetherial::schemas
