#include "tests/actors/kit/agent_harness.hpp"

#include <algorithm>
#include <map>

namespace aetherial::actors::test {

envelope_builder::envelope_builder(std::uint64_t stream, std::string principal)
    : stream_(stream), principal_(std::move(principal)) {}

bytes envelope_builder::envelope(flatbuffers::FlatBufferBuilder& b, std::int64_t t,
                                 const std::string& key, fbs::Payload type,
                                 flatbuffers::Offset<void> payload, const std::string& principal,
                                 const std::string& correlation) {
  schemas::envelope_header h;
  h.id = {stream_, ++seq_};
  h.key = key;
  h.event_time_ms = t;
  h.principal = principal.empty() ? principal_ : principal;
  h.correlation = correlation;
  return schemas::finish_envelope(b, h, type, payload);
}

bytes envelope_builder::task(std::int64_t t, const kit::task_spec& spec, const std::string& key,
                             const std::string& principal, const std::string& correlation) {
  flatbuffers::FlatBufferBuilder b;
  auto p = kit::build_task(b, spec);
  return envelope(b, t, key, fbs::Payload::Task, p.Union(), principal, correlation);
}

bytes envelope_builder::effect_result(std::int64_t t, const std::string& key,
                                      const std::string& effect_id, const std::string& kind,
                                      bool success, const std::string& output,
                                      const std::string& detail, const std::string& conversation,
                                      const std::string& principal,
                                      const std::string& correlation) {
  flatbuffers::FlatBufferBuilder b;
  auto p = fbs::CreateEffectResultDirect(b, effect_id.c_str(), kind.c_str(), success,
                                         output.c_str(), detail.c_str(), conversation.c_str());
  return envelope(b, t, key, fbs::Payload::EffectResult, p.Union(), principal, correlation);
}

std::string envelope_builder::next_id() const {
  return schemas::event_id{stream_, seq_ + 1}.to_string();
}

kit::task_spec task_spec_of(const std::string& task_id, const std::string& type,
                            const std::string& target, const std::string& conversation,
                            const std::string& requested_by, const pairs& params) {
  auto spec = kit::task_from_strings(
      type, std::map<std::string, std::string>(params.begin(), params.end()));
  spec.task_id = task_id;
  spec.target_agent = target;
  spec.priority = 5;
  spec.conversation_id = conversation;
  spec.requested_by = requested_by;
  return spec;
}

std::vector<flatbuffers::Offset<fbs::KeyValue>> build_key_values(flatbuffers::FlatBufferBuilder& b,
                                                                 const pairs& kvs) {
  std::vector<flatbuffers::Offset<fbs::KeyValue>> r;
  for (const auto& [k, v] : kvs)
    r.push_back(fbs::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
  return r;
}

std::vector<flatbuffers::Offset<flatbuffers::String>>
build_strings(flatbuffers::FlatBufferBuilder& b, const std::vector<std::string>& strings) {
  std::vector<flatbuffers::Offset<flatbuffers::String>> r;
  for (const auto& s : strings)
    r.push_back(b.CreateString(s));
  return r;
}

const fbs::Envelope& envelope_of(const bytes& value) {
  std::string why;
  const auto* env =
      schemas::verify_envelope(value.data(), value.size(), schemas::default_max_event_bytes, &why);
  BOOST_TEST_REQUIRE(env != nullptr, why);
  return *env;
}

const fbs::Envelope& envelope_of(const emitted& e) {
  return envelope_of(e.value);
}

std::vector<emitted> sent_to(const std::vector<emitted>& out, output to) {
  std::vector<emitted> r;
  for (const auto& e : out)
    if (e.to == to) r.push_back(e);
  return r;
}

std::vector<bytes> values(const std::vector<emitted>& out) {
  std::vector<bytes> v;
  for (const auto& e : out)
    v.push_back(e.value);
  return v;
}

std::vector<std::string> reply_texts(const std::vector<emitted>& out) {
  std::vector<std::string> r;
  for (const auto* p : payloads<fbs::Reply>(out))
    r.push_back(str(p->text()));
  return r;
}

std::string status_text(fbs::ReplyStatus s) {
  return std::string(kit::status_name(s));
}

std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

std::vector<std::string>
strs(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> r;
  if (v)
    for (const auto* s : *v)
      r.push_back(s->str());
  return r;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string value_of(const key_values* kvs, const std::string& key) {
  if (kvs)
    for (const auto* kv : *kvs)
      if (str(kv->key()) == key) return str(kv->value());
  return {};
}

std::map<std::string, std::string> as_map(const key_values* kvs) {
  std::map<std::string, std::string> m;
  if (kvs)
    for (const auto* x : *kvs)
      m[str(x->key())] = str(x->value());
  return m;
}

} // namespace aetherial::actors::test
