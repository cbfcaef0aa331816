#pragma once
// Builders of what the Orchestrator emits: replies, tasks, access audits, effect requests.
// Each builds its payload in the context's builder and emits it at once.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "actors/agent.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::orchestrator {

/// Ordered key/value pairs, written in the order given.
using key_values = kit::key_values;

/// The fields of a Task (on aetherial.tasks), with its typed parameters.
using task_fields = kit::task_spec;

/// The key a task is produced with: the target agent's partition key (analytics: the tenant
/// or "main"; development: the service named; operations: the service named), else
/// `conversation_key`.
[[nodiscard]] std::string task_key(const std::string& conversation_key, const task_fields& t);

/// The typed parameters of a task of `task_type` from the slots of a command ("service" ->
/// "web"); slots the task type does not take are left out.
[[nodiscard]] kit::task_params task_params_of(const std::string& task_type,
                                              const std::map<std::string, std::string>& slots);

/// Emits a Reply (on aetherial.replies, or a routing record on aetherial.decisions) to `to`,
/// keyed by `key`, correlated `correlation`.
void emit_reply(context& ctx, output to, const std::string& key, const std::string& correlation,
                const kit::reply_spec& r);

/// Emits a Task on aetherial.tasks.
void emit_task(context& ctx, const std::string& key, const std::string& correlation,
               const task_fields& t);

/// Emits an AccessAudit on aetherial.decisions.
void emit_access_audit(context& ctx, const std::string& key, const std::string& correlation,
                       const std::string& principal, const std::string& role,
                       const std::string& action, bool allowed, const std::string& reason);

/// Emits an EffectRequest on aetherial.effects.
void emit_effect_request(context& ctx, const std::string& key, const std::string& correlation,
                         const std::string& effect_id, const std::string& kind,
                         const std::string& input, const std::string& conversation_id,
                         const std::string& requested_by, const key_values& params);

} // namespace aetherial::actors::orchestrator
