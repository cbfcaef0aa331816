#include "schemas/validate.hpp"

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <vector>

#include <flatbuffers/idl.h>
#include <flatbuffers/reflection.h>

#include "schemas/schema_text.hpp"

namespace aetherial::schemas {
namespace {

/// One thing to check in a table: a string, a nested table, a vector of either, a union.
struct field_check {
  enum class kind : std::uint8_t { string, table, strings, tables, union_value };
  kind what = kind::string;
  flatbuffers::voffset_t offset = 0;
  flatbuffers::voffset_t type_offset = 0; ///< a union's `<name>_type` field
  std::size_t max_len = 0;                ///< 0: input_limits::max_string_bytes
  int object = -1;                        ///< the nested table's plan
  std::vector<int> union_objects;         ///< union type value -> plan (-1: none)
  std::string name;                       ///< "Envelope.key", for messages
};

/// The checks of every table reachable from Envelope, made once from the schema itself.
struct validation_plan {
  std::vector<std::vector<field_check>> objects; ///< by reflection object index
  int root = -1;
};

std::size_t declared_max_len(const reflection::Field& f) {
  if (f.attributes() == nullptr) return 0;
  const auto* kv = f.attributes()->LookupByKey("max_len");
  if (kv == nullptr || kv->value() == nullptr) return 0;
  return static_cast<std::size_t>(std::strtoull(kv->value()->c_str(), nullptr, 10));
}

validation_plan make_plan() {
  flatbuffers::IDLOptions opts;
  flatbuffers::Parser parser(opts);
  if (!parser.Parse(envelope_fbs_text))
    throw std::logic_error("embedded envelope schema does not parse: " + parser.error_);
  parser.Serialize();
  const auto* schema = reflection::GetSchema(parser.builder_.GetBufferPointer());
  validation_plan plan;
  const auto& objects = *schema->objects();
  plan.objects.resize(objects.size());
  for (flatbuffers::uoffset_t i = 0; i < objects.size(); ++i) {
    const auto& obj = *objects.Get(i);
    if (obj.is_struct()) continue;
    if (obj.name()->str() == "aetherial.schema.Envelope") plan.root = static_cast<int>(i);
    std::string short_name = obj.name()->str();
    short_name = short_name.substr(short_name.rfind('.') + 1);
    for (const auto* f : *obj.fields()) {
      // FlatBuffers' verifier skips deprecated fields (no accessor reads them): their bytes
      // are unverified, so they are not read here either.
      if (f->deprecated()) continue;
      field_check c;
      c.offset = f->offset();
      c.max_len = declared_max_len(*f);
      c.name = short_name + "." + f->name()->str();
      const auto* type = f->type();
      switch (type->base_type()) {
        case reflection::String: c.what = field_check::kind::string; break;
        case reflection::Obj:
          if (objects.Get(static_cast<flatbuffers::uoffset_t>(type->index()))->is_struct())
            continue;
          c.what = field_check::kind::table;
          c.object = type->index();
          break;
        case reflection::Vector:
          if (type->element() == reflection::String) {
            c.what = field_check::kind::strings;
          } else if (type->element() == reflection::Obj &&
                     !objects.Get(static_cast<flatbuffers::uoffset_t>(type->index()))
                          ->is_struct()) {
            c.what = field_check::kind::tables;
            c.object = type->index();
          } else {
            continue;
          }
          break;
        case reflection::Union: {
          c.what = field_check::kind::union_value;
          const auto* tf = obj.fields()->LookupByKey(
              (f->name()->str() + flatbuffers::UnionTypeFieldSuffix()).c_str());
          if (tf == nullptr) continue;
          c.type_offset = tf->offset();
          const auto* e = schema->enums()->Get(static_cast<flatbuffers::uoffset_t>(type->index()));
          for (const auto* v : *e->values()) {
            const auto value = static_cast<std::size_t>(v->value());
            if (c.union_objects.size() <= value) c.union_objects.resize(value + 1, -1);
            if (v->union_type() != nullptr && v->union_type()->base_type() == reflection::Obj)
              c.union_objects[value] = v->union_type()->index();
          }
          break;
        }
        default: continue;
      }
      plan.objects[i].push_back(std::move(c));
    }
  }
  if (plan.root < 0) throw std::logic_error("embedded envelope schema has no Envelope table");
  return plan;
}

const validation_plan& plan() {
  static const validation_plan p = make_plan();
  return p;
}

bool check_string(const flatbuffers::String* s, const field_check& c, const input_limits& limits,
                  std::string* why) {
  if (s == nullptr) return true;
  const std::size_t limit = c.max_len ? c.max_len : limits.max_string_bytes;
  if (s->size() > limit) {
    if (why)
      *why = c.name + ": " + std::to_string(s->size()) + " bytes exceed the limit of " +
             std::to_string(limit);
    return false;
  }
  if (!valid_utf8(s->string_view())) {
    if (why) *why = c.name + ": not valid UTF-8";
    return false;
  }
  return true;
}

bool check_table(const flatbuffers::Table& t, int object, const input_limits& limits,
                 std::string* why) {
  for (const auto& c : plan().objects[static_cast<std::size_t>(object)]) {
    switch (c.what) {
      case field_check::kind::string:
        if (!check_string(t.GetPointer<const flatbuffers::String*>(c.offset), c, limits, why))
          return false;
        break;
      case field_check::kind::table:
        if (const auto* sub = t.GetPointer<const flatbuffers::Table*>(c.offset))
          if (!check_table(*sub, c.object, limits, why)) return false;
        break;
      case field_check::kind::strings:
        if (const auto* v =
                t.GetPointer<const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>*>(
                    c.offset))
          for (const auto* s : *v)
            if (!check_string(s, c, limits, why)) return false;
        break;
      case field_check::kind::tables:
        if (const auto* v =
                t.GetPointer<const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::Table>>*>(
                    c.offset))
          for (const auto* sub : *v)
            if (sub != nullptr && !check_table(*sub, c.object, limits, why)) return false;
        break;
      case field_check::kind::union_value: {
        const auto type = t.GetField<std::uint8_t>(c.type_offset, 0);
        const auto* sub = t.GetPointer<const flatbuffers::Table*>(c.offset);
        if (sub == nullptr) break;
        // FlatBuffers' verifier accepts any value of a union's type (it cannot know later
        // members) and a value whose type is NONE; this reader refuses both, as it does for
        // the payload.
        if (type == 0 || type >= c.union_objects.size() || c.union_objects[type] < 0) {
          if (why)
            *why = c.name + ": union type " + std::to_string(type) +
                   " is unknown to this schema version";
          return false;
        }
        if (!check_table(*sub, c.union_objects[type], limits, why)) return false;
        break;
      }
    }
  }
  return true;
}

} // namespace

bool valid_utf8(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07u;
    } else {
      return false; // a continuation byte, an overlong lead (c0, c1) or beyond U+10FFFF
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    for (std::size_t i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0u) != 0x80u) return false;
      cp = (cp << 6) | (p[i] & 0x3fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    p += n + 1;
  }
  return true;
}

bool check_envelope(const fbs::Envelope& env, const input_limits& limits, std::string* why) {
  if (env.schema_version() != schema_major) {
    if (why)
      *why = "schema version " + std::to_string(env.schema_version()) +
             " is not supported (this reader knows major version " + std::to_string(schema_major) +
             ")";
    return false;
  }
  const auto t = env.event_time_ms();
  if (t < limits.min_event_time_ms || t >= limits.max_event_time_ms) {
    if (why)
      *why = "event time " + std::to_string(t) + " ms is outside the accepted window [" +
             std::to_string(limits.min_event_time_ms) + ", " +
             std::to_string(limits.max_event_time_ms) + ")";
    return false;
  }
  const auto& root = *reinterpret_cast<const flatbuffers::Table*>(&env);
  return check_table(root, plan().root, limits, why);
}

} // namespace aetherial::schemas
