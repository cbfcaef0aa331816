#pragma once
// Tasks and replies as every agent writes and reads them: the task types and the agent kinds
// that do them, typed task parameters, and builders of Task, Reply and TaskOutcome.
//
// The orchestrator builds tasks with `emit_task`; an agent reads one with `read_task` and
// answers with `emit_reply` and `emit_outcome`. One table here says which kind does which
// task type: the orchestrator routes only to those kinds, and an agent refuses the others.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::kit {

/// Ordered key/value pairs, written in the order given.
using key_values = std::vector<std::pair<std::string, std::string>>;

/// Parameters of analytics.* tasks (schema `AnalyticsParams`).
struct analytics_params {
  std::string tenant;     ///< "" = the agent's default tenant
  std::string period;     ///< "today", "yesterday", "week", "month"; "" = today
  std::uint32_t k = 0;    ///< popular features: how many (0 = default)
  std::uint32_t days = 0; ///< popular features: window (0 = default)
  std::string experiment;
  std::string variant_a;
  std::string variant_b;
};

/// Parameters of operations.diagnose_latency (schema `DiagnoseParams`).
struct diagnose_params {
  std::string subject; ///< "the server"
  std::string service; ///< "" = every service
};

/// Parameters of development.deploy (schema `DeployParams`).
struct deploy_params {
  std::string service; ///< "" = not named
  std::string environment;
  std::string commit;
  std::string change_id;
  std::string change; ///< as said ("new feature")
};

/// Parameters of content.create_course (schema `CourseParams`).
struct course_params {
  std::string topic;
  std::vector<std::string> topics;
  bool quizzes = false;
  bool confirmed = false; ///< the person agreed already: finalize
};

/// Parameters of support.* tasks (schema `SupportParams`).
struct support_params {
  std::string subject;
  std::string topic;
  std::string problem;
};

/// Parameters of code-writing tasks (schema `CodeRequestParams`).
struct code_request_params {
  std::string service;
  std::string feature;
  std::string location;
  std::string component;
  std::string module;
  std::string test_kind;
  std::string follows;
};

/// Parameters of operations.scale_up / operations.scale_down (schema `ScaleParams`).
struct scale_params {
  std::string service;
  std::string environment;
  std::uint32_t replicas = 0; ///< asked for; 0 = a step in the task's direction
  std::uint32_t step = 0;     ///< replicas to add or remove when no count is asked; 0 = one
};

/// The typed parameters of a task: none, or one of the schema's `TaskParams`.
using task_params = std::variant<std::monostate, analytics_params, diagnose_params, deploy_params,
                                 course_params, support_params, code_request_params, scale_params>;

/// A task as plain data.
struct task_spec {
  std::string task_id;
  std::string type;         ///< "development.deploy"
  std::string target_agent; ///< "development"
  int priority = 5;         ///< 0 .. 9
  std::string conversation_id;
  std::string requested_by;
  std::string text;   ///< the command as written
  std::string intent; ///< as understood
  std::string role;   ///< of the requester
  task_params params;
  /// The requester's identity token (see actors/identity.hpp): the agent that does the task
  /// is told by the runtime whether it proves `requested_by` and `role`.
  std::string token;
};

/// A task type and the agent kind that does it.
struct task_type_info {
  std::string_view type;    ///< "operations.diagnose_latency"; a type ending in ".*" is a family
  std::string_view kind;    ///< "operations"
  std::size_t params_index; ///< index in `task_params` of the parameters it takes
};

/// Every task type an agent does, in a fixed order.
[[nodiscard]] const std::vector<task_type_info>& task_types();

/// The entry of `type` (an exact type first, else its family), or nullptr.
[[nodiscard]] const task_type_info* find_task_type(std::string_view type);

/// Whether agents of `kind` do tasks of `type`.
[[nodiscard]] bool can_do(std::string_view kind, std::string_view type);

/// The parameters of `p` when it holds a `P`, else a default `P`.
template <class P> [[nodiscard]] P params_as(const task_params& p) {
  if (const auto* x = std::get_if<P>(&p)) return *x;
  return P{};
}

/// Reads a task's fields and typed parameters.
[[nodiscard]] task_spec read_task(const fbs::Task& t);

/// Builds a Task in `b`.
[[nodiscard]] flatbuffers::Offset<fbs::Task> build_task(flatbuffers::FlatBufferBuilder& b,
                                                        const task_spec& t);

/// Emits a Task on aetherial.tasks keyed by `key`.
void emit_task(context& ctx, std::string_view key, const task_spec& t,
               std::string_view correlation = {});

/// The parameters as text ("service" -> "web", "topics" -> "history, ethics", "quizzes" ->
/// "true"), empty values left out: for routing records and for tools that show them.
[[nodiscard]] key_values param_strings(const task_params& p);

/// The parameters a task of `type` takes, read from text (the inverse of `param_strings`):
/// for tools and tests that hold parameters as text. Unknown names are ignored.
[[nodiscard]] task_params params_from_strings(std::string_view type,
                                              const std::map<std::string, std::string>& kv);

/// A task of `type` whose text ("text", else "question", "message"), intent, role and typed
/// parameters are read from text: for tools and tests that hold a task as key/values.
[[nodiscard]] task_spec task_from_strings(std::string_view type,
                                          const std::map<std::string, std::string>& kv);

/// The name of a status ("answered"), as the schema spells it.
[[nodiscard]] std::string_view status_name(fbs::ReplyStatus s) noexcept;

/// Whether a reply with this status ends the wait for an answer.
[[nodiscard]] bool is_final(fbs::ReplyStatus s) noexcept;

/// The fields of a Reply.
struct reply_spec {
  std::string conversation_id;
  std::string agent; ///< the kind that answers
  std::string text;
  fbs::ReplyStatus status = fbs::ReplyStatus::answered;
  std::string intent;
  double confidence = 0.0;
  std::vector<std::string> citations;
  key_values details;
};

/// Emits a Reply to `to` (aetherial.replies, or a record on aetherial.decisions). Its text and
/// detail values are written with personal data masked (`redact`, `reply_redaction` of the
/// replying agent).
void emit_reply(context& ctx, output to, std::string_view key, const reply_spec& r,
                std::string_view correlation = {});

/// The fields of a TaskOutcome.
struct outcome_spec {
  std::string task_id;
  std::string type;
  std::string agent;
  bool success = false;
  fbs::ReplyStatus status = fbs::ReplyStatus::unknown;
  std::string detail;
  std::string conversation_id;
  key_values results;
};

/// Emits a TaskOutcome on aetherial.tasks keyed by `key`, its detail and result values masked
/// as a reply's are.
void emit_outcome(context& ctx, std::string_view key, const outcome_spec& o,
                  std::string_view correlation = {});

/// The fields of an EffectRequest.
struct effect_request_spec {
  std::string effect_id;
  std::string kind; ///< "llm", "translate", "code_generation", ...
  std::string input;
  std::string conversation_id;
  std::string requested_by;
  key_values params;
};

/// Emits an EffectRequest on aetherial.effects keyed by `key`: the one way agents ask an effect
/// worker. Its input and parameter values are written with personal data masked (`redact`):
/// what goes outside names no e-mail address, phone, card or IP.
void emit_effect_request(context& ctx, std::string_view key, const effect_request_spec& e,
                         std::string_view correlation = {});

/// Text of a flatbuffers string ("" if absent).
[[nodiscard]] inline std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

} // namespace aetherial::actors::kit
