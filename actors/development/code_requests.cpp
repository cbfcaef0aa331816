// Code-writing tasks: code-generation effects, their results, and follow-up tasks.

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "actors/development/development_agent.hpp"
#include "actors/development/emit.hpp"
#include "actors/development/signature.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

void development_agent::start_code_request(const kit::task_spec& t, context& ctx) {
  code_request c;
  c.task_id = t.task_id;
  c.task_type = t.type;
  c.conversation_id = t.conversation_id;
  c.requested_by = t.requested_by;
  c.service = kit::params_as<kit::code_request_params>(t.params).service;
  c.text = t.text;
  c.priority = t.priority;
  c.requested_ms = ctx.event_time_ms();
  const std::string effect_id =
      "codegen-" + (c.task_id.empty() ? ctx.cause_id().to_string() : c.task_id);
  if (state_.code_requests.count(effect_id) > 0) return; // a redelivered task
  if (c.text.empty()) {
    reply(ctx, c.conversation_id, "What should the code do?", fbs::ReplyStatus::refused,
          c.task_type);
    task_outcome(ctx, c.conversation_id, c.task_id, c.task_type, false, "no text", {},
                 fbs::ReplyStatus::refused);
    return;
  }
  if (state_.code_requests.size() >= cfg_.max_code_requests) {
    reply(ctx, c.conversation_id, "Too many code requests are in progress; try again later.",
          fbs::ReplyStatus::refused, c.task_type);
    task_outcome(ctx, c.conversation_id, c.task_id, c.task_type, false, "too many in progress", {},
                 fbs::ReplyStatus::refused);
    return;
  }
  const std::string what = c.task_type.substr(c.task_type.find('.') + 1);
  effect(ctx, c.service, effect_id, "code_generation",
         "task: " + what + "\nservice: " + c.service + "\nrequest: " + c.text, c.conversation_id,
         c.requested_by,
         {{"task_id", c.task_id}, {"task_type", c.task_type}, {"service", c.service}});
  reply(ctx, c.conversation_id,
        "Working on it: generating code for " + (c.service.empty() ? "the request" : c.service) +
            " (" + what +
            "). No code exists yet; it follows here once a code generator records "
            "its result.",
        fbs::ReplyStatus::pending, c.task_type, {{"effect_id", effect_id}});
  state_.code_requests.emplace(effect_id, std::move(c));
}

void development_agent::on_effect_result(const fbs::EffectResult& r, context& ctx) {
  const std::string effect_id = str(r.effect_id());
  if (const auto it = state_.code_requests.find(effect_id); it != state_.code_requests.end()) {
    const code_request c = it->second;
    state_.code_requests.erase(it);
    if (!r.success()) {
      const std::string why = first_line(str(r.detail()), 200);
      reply(ctx, c.conversation_id,
            "Code generation failed" + (why.empty() ? "." : ": " + why + "."),
            fbs::ReplyStatus::answered, c.task_type, {{"effect_id", effect_id}});
      task_outcome(ctx, c.conversation_id, c.task_id, c.task_type, false,
                   "code generation failed" + (why.empty() ? "" : ": " + why));
      return;
    }
    const std::string summary = first_line(str(r.output()), 200);
    reply(ctx, c.conversation_id,
          "The code for " + (c.service.empty() ? "your request" : c.service) +
              " is ready: " + summary,
          fbs::ReplyStatus::answered, c.task_type, {{"effect_id", effect_id}});
    task_outcome(ctx, c.conversation_id, c.task_id, c.task_type, true, "code generated",
                 {{"effect_id", effect_id}, {"summary", summary}});
    if (c.task_type != "development.write_tests") {
      // New code needs tests: the follow-up is a task of its own, through aetherial.tasks.
      kit::task_spec follow;
      follow.task_id = "tests-for-" + c.task_id;
      follow.type = "development.write_tests";
      follow.target_agent = std::string(kind_name);
      follow.priority = c.priority;
      follow.conversation_id = c.conversation_id;
      follow.requested_by = "agent:development";
      follow.text = "Write tests for: " + c.text;
      follow.intent = "development.write_tests";
      kit::code_request_params params;
      params.service = c.service;
      params.follows = c.task_id;
      follow.params = params;
      kit::emit_task(ctx, c.service.empty() ? c.conversation_id : c.service, follow,
                     c.conversation_id);
    }
    return;
  }
  const auto d = state_.deploys.find(effect_id);
  if (d == state_.deploys.end() || d->second.phase != deploy_phase::deploying) return;
  if (!r.success()) {
    const std::string why = first_line(str(r.detail()), 160);
    reply(ctx, d->second.conversation_id,
          "The deploy of " + d->second.service + " failed" + (why.empty() ? "." : ": " + why + "."),
          fbs::ReplyStatus::answered, "development.deploy");
    finish_deploy(d->second, ctx.event_time_ms(), false, "deploy failed", ctx);
  }
}

} // namespace aetherial::actors::development
