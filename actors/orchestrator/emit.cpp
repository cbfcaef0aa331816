#include "actors/orchestrator/emit.hpp"

namespace aetherial::actors::orchestrator {

namespace {

std::vector<flatbuffers::Offset<fbs::KeyValue>> build_key_values(flatbuffers::FlatBufferBuilder& b,
                                                                 const key_values& kv) {
  std::vector<flatbuffers::Offset<fbs::KeyValue>> out;
  out.reserve(kv.size());
  for (const auto& [k, v] : kv)
    out.push_back(fbs::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
  return out;
}

} // namespace

void emit_reply(context& ctx, output to, const std::string& key, const std::string& correlation,
                const reply_fields& r) {
  auto& b = ctx.builder();
  std::vector<flatbuffers::Offset<flatbuffers::String>> citations;
  citations.reserve(r.citations.size());
  for (const auto& c : r.citations)
    citations.push_back(b.CreateString(c));
  const auto details = build_key_values(b, r.details);
  const auto p = fbs::CreateReplyDirect(b, r.conversation_id.c_str(), "orchestrator",
                                        r.text.c_str(), r.status.c_str(), r.intent.c_str(),
                                        r.confidence, &citations, &details);
  ctx.emit(to, key, fbs::Payload::Reply, p.Union(), correlation);
}

namespace {

std::string param_of(const key_values& params, const std::string& name) {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

} // namespace

std::string task_key(const std::string& conversation_key, const task_fields& t) {
  // The target's state is partitioned by its own domain key: analytics by tenant,
  // development by service (repo). Its outcome comes back keyed by the conversation id.
  if (t.target_agent == "analytics") {
    const auto tenant = param_of(t.params, "tenant");
    return tenant.empty() ? "main" : tenant;
  }
  if (t.target_agent == "development" || t.target_agent == "operations") {
    const auto service = param_of(t.params, "service");
    if (!service.empty()) return service;
    if (t.target_agent == "development") return "platform";
  }
  return conversation_key;
}

void emit_task(context& ctx, const std::string& key, const std::string& correlation,
               const task_fields& t) {
  auto& b = ctx.builder();
  const auto params = build_key_values(b, t.params);
  const auto p =
      fbs::CreateTaskDirect(b, t.task_id.c_str(), t.type.c_str(), t.target_agent.c_str(),
                            t.priority, t.conversation_id.c_str(), t.requested_by.c_str(), &params);
  ctx.emit(output::tasks, task_key(key, t), fbs::Payload::Task, p.Union(), correlation);
}

void emit_access_audit(context& ctx, const std::string& key, const std::string& correlation,
                       const std::string& principal, const std::string& role,
                       const std::string& action, bool allowed, const std::string& reason) {
  auto& b = ctx.builder();
  const auto p = fbs::CreateAccessAuditDirect(b, principal.c_str(), role.c_str(), action.c_str(),
                                              allowed, reason.c_str());
  ctx.emit(output::decisions, key, fbs::Payload::AccessAudit, p.Union(), correlation);
}

void emit_effect_request(context& ctx, const std::string& key, const std::string& correlation,
                         const std::string& effect_id, const std::string& kind,
                         const std::string& input, const std::string& conversation_id,
                         const std::string& requested_by, const key_values& params) {
  auto& b = ctx.builder();
  const auto kv = build_key_values(b, params);
  const auto p = fbs::CreateEffectRequestDirect(b, effect_id.c_str(), kind.c_str(), input.c_str(),
                                                conversation_id.c_str(), requested_by.c_str(), &kv);
  ctx.request_effect(key, fbs::Payload::EffectRequest, p.Union(), correlation);
}

} // namespace aetherial::actors::orchestrator
