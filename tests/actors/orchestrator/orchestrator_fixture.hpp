#pragma once
// Builders of input envelopes and readers of outputs for the Orchestrator agent's tests.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "actors/orchestrator/orchestrator_agent.hpp"
#include "tests/actors/kit/agent_harness.hpp"

namespace aetherial::actors::orchestrator::test {

using namespace ::aetherial::actors::orchestrator;
using namespace ::aetherial::actors::test;

/// Builds the Orchestrator agent's input envelopes.
class events : public envelope_builder {
public:
  events() : envelope_builder(0x0c4e57) {}

  /// A command keyed by its conversation id, correlated with `correlation` (none if empty).
  bytes command(std::int64_t t, const std::string& conversation, const std::string& role,
                const std::string& text, const std::string& principal = "user:alice",
                const std::string& correlation = "") {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateCommandDirect(b, role.c_str(), text.c_str(), conversation.c_str());
    return envelope(b, t, conversation, fbs::Payload::Command, p.Union(), principal, correlation);
  }
  bytes outcome(std::int64_t t, const std::string& task_id, const std::string& type,
                const std::string& agent, bool success, const std::string& detail,
                const std::string& conversation, const pairs& results = {}) {
    flatbuffers::FlatBufferBuilder b;
    auto kv = build_key_values(b, results);
    auto p = fbs::CreateTaskOutcomeDirect(b, task_id.c_str(), type.c_str(), agent.c_str(), success,
                                          detail.c_str(), conversation.c_str(), &kv);
    return envelope(b, t, conversation, fbs::Payload::TaskOutcome, p.Union(), "agent:" + agent,
                    conversation);
  }
  bytes outcome_with_status(std::int64_t t, const std::string& task_id, const std::string& type,
                            const std::string& agent, bool success, const std::string& detail,
                            const std::string& conversation, fbs::ReplyStatus status) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateTaskOutcomeDirect(b, task_id.c_str(), type.c_str(), agent.c_str(), success,
                                          detail.c_str(), conversation.c_str(), nullptr, status);
    return envelope(b, t, conversation, fbs::Payload::TaskOutcome, p.Union(), "agent:" + agent,
                    conversation);
  }
  bytes effect_result(std::int64_t t, const std::string& effect_id, bool success,
                      const std::string& output, const std::string& detail,
                      const std::string& conversation) {
    return envelope_builder::effect_result(t, conversation, effect_id, "llm", success, output,
                                           detail, conversation, "svc:effect-worker", conversation);
  }
  bytes task(std::int64_t t, const std::string& task_id, const std::string& conversation) {
    kit::task_spec spec;
    spec.task_id = task_id;
    spec.type = "support.how_to";
    spec.target_agent = "support";
    spec.conversation_id = conversation;
    spec.requested_by = "user:x";
    return envelope_builder::task(t, spec, conversation, "agent:orchestrator", conversation);
  }
};

/// The Orchestrator agent and everything it emitted.
using harness = agent_harness<orchestrator_agent, kind_name>;

/// Every row of `table`, decoded, by key.
template <class Record>
std::map<std::string, Record> rows_of(const harness& h, std::string_view table,
                                      Record (*decode)(const bytes&)) {
  std::map<std::string, Record> rows;
  h.tables.scan(table, {}, {}, [&](std::string_view key, const bytes& value) {
    rows.emplace(std::string(key), decode(value));
    return true;
  });
  return rows;
}

/// The conversations the agent remembers, by conversation id.
inline std::map<std::string, conversation> conversations(const harness& h) {
  return rows_of(h, conversations_table, &decode_conversation);
}
/// The tasks it waits for, by task id.
inline std::map<std::string, pending_task> pending_tasks(const harness& h) {
  return rows_of(h, tasks_table, &decode_task);
}
/// The effects it waits for, by effect id.
inline std::map<std::string, pending_effect> pending_effects(const harness& h) {
  return rows_of(h, effects_table, &decode_effect);
}

/// Sends a risky command and its requester's "yes" half a second later, and returns what the
/// "yes" emitted (the command itself only asks for the confirmation).
inline const std::vector<emitted>& confirmed(harness& h, events& ev, std::int64_t t,
                                             const std::string& conversation,
                                             const std::string& role, const std::string& text,
                                             const std::string& principal = "user:alice",
                                             const std::string& correlation = "") {
  (void)h.feed(ev.command(t, conversation, role, text, principal, correlation));
  return h.feed(ev.command(t + 500, conversation, role, "yes", principal, correlation));
}

/// The replies on aetherial.replies.
inline std::vector<const fbs::Reply*> replies(const std::vector<emitted>& out) {
  return payloads<fbs::Reply>(out, output::replies);
}

/// The tasks on aetherial.tasks.
inline std::vector<const fbs::Task*> tasks(const std::vector<emitted>& out) {
  return payloads<fbs::Task>(out, output::tasks);
}

/// A task's text, intent, role and typed parameters as text (the parameters as
/// `kit::param_strings` writes them).
inline std::map<std::string, std::string> params_of(const fbs::Task& t) {
  const auto spec = kit::read_task(t);
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : kit::param_strings(spec.params))
    m[k] = v;
  if (!spec.text.empty()) m["text"] = spec.text;
  if (!spec.intent.empty()) m["intent"] = spec.intent;
  if (!spec.role.empty()) m["role"] = spec.role;
  return m;
}

} // namespace aetherial::actors::orchestrator::test
