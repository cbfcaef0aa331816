#include "actors/orchestrator/emit.hpp"

#include "actors/kit/access.hpp"

namespace aetherial::actors::orchestrator {

void emit_reply(context& ctx, output to, const std::string& key, const std::string& correlation,
                const kit::reply_spec& r) {
  kit::emit_reply(ctx, to, key, r, correlation);
}

std::string task_key(const std::string& conversation_key, const task_fields& t) {
  // The target's state is partitioned by its own domain key: analytics by tenant,
  // development and operations by service (repo). Its outcome comes back keyed by the
  // conversation id.
  if (t.target_agent == "analytics") {
    const auto tenant = kit::params_as<kit::analytics_params>(t.params).tenant;
    return tenant.empty() ? "main" : tenant;
  }
  std::string service;
  if (const auto* p = std::get_if<kit::deploy_params>(&t.params)) service = p->service;
  if (const auto* p = std::get_if<kit::code_request_params>(&t.params)) service = p->service;
  if (const auto* p = std::get_if<kit::diagnose_params>(&t.params)) service = p->service;
  if (const auto* p = std::get_if<kit::scale_params>(&t.params)) service = p->service;
  if (!service.empty() && (t.target_agent == "development" || t.target_agent == "operations"))
    return service;
  return conversation_key;
}

kit::task_params task_params_of(const std::string& task_type,
                                const std::map<std::string, std::string>& slots) {
  return kit::params_from_strings(task_type, slots);
}

void emit_task(context& ctx, const std::string& key, const std::string& correlation,
               const task_fields& t) {
  kit::emit_task(ctx, task_key(key, t), t, correlation);
}

void emit_access_audit(context& ctx, const std::string& key, const std::string& correlation,
                       const std::string& principal, const std::string& role,
                       const std::string& action, bool allowed, const std::string& reason) {
  kit::emit_access_audit(ctx, key, principal, role, action, allowed, reason, correlation);
}

void emit_effect_request(context& ctx, const std::string& key, const std::string& correlation,
                         const std::string& effect_id, const std::string& kind,
                         const std::string& input, const std::string& conversation_id,
                         const std::string& requested_by, const key_values& params) {
  kit::emit_effect_request(
      ctx, key,
      kit::effect_request_spec{effect_id, kind, input, conversation_id, requested_by, params},
      correlation);
}

} // namespace aetherial::actors::orchestrator
