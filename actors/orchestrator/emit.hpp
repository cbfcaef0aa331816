#pragma once
// Builders of what the Orchestrator emits: replies, tasks, access audits, effect requests.
// Each builds its payload in the context's builder and emits it at once.

#include <string>
#include <utility>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::orchestrator {

/// Ordered key/value pairs, written in the order given.
using key_values = std::vector<std::pair<std::string, std::string>>;

/// The fields of a Reply (on aetherial.replies, or a routing record on aetherial.decisions).
struct reply_fields {
  std::string conversation_id;
  std::string text;
  std::string status; ///< "pending", "answered", "refused", "failed", "escalated", "routed", ...
  std::string intent;
  double confidence = 0.0;
  std::vector<std::string> citations;
  key_values details;
};

/// The fields of a Task (on aetherial.tasks).
struct task_fields {
  std::string task_id;
  std::string type;
  std::string target_agent;
  int priority = 0;
  std::string conversation_id;
  std::string requested_by;
  key_values params;
};

/// The key a task is produced with: the target agent's partition key (analytics: the
/// `tenant` param or "main"; development: the `service` param or "platform"; operations:
/// the `service` param), else `conversation_key`.
[[nodiscard]] std::string task_key(const std::string& conversation_key, const task_fields& t);

/// Emits a Reply from agent "orchestrator" to `to`, keyed by `key`, correlated `correlation`.
void emit_reply(context& ctx, output to, const std::string& key, const std::string& correlation,
                const reply_fields& r);

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
