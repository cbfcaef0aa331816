#include "actors/development/emit.hpp"

#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

/// A rate as a percentage with two decimals: 0.0123 -> "1.23 %".
std::string percent(double rate) {
  return kit::fixed(100.0 * rate, 2) + " %";
}

/// "user:alice" and "alice" are one person.
std::string person(std::string_view who) {
  const auto colon = who.find(':');
  return std::string(colon == std::string_view::npos ? who : who.substr(colon + 1));
}

/// The first line of a text, cut to `max` characters.
std::string first_line(std::string_view text, std::size_t max) {
  const auto nl = text.find('\n');
  std::string out(text.substr(0, nl));
  if (out.size() > max) out = out.substr(0, max) + "...";
  return out;
}

void reply(context& ctx, const std::string& conversation, const std::string& text,
           fbs::ReplyStatus status, const std::string& intent, const kv_list& details) {
  if (conversation.empty()) return; // a deploy asked for by CI, not by a person
  kit::emit_reply(
      ctx, output::replies, conversation,
      kit::reply_spec{conversation, "development", text, status, intent, 1.0, {}, details},
      conversation);
}

void task_outcome(context& ctx, const std::string& conversation, const std::string& task_id,
                  const std::string& type, bool success, const std::string& detail,
                  const kv_list& results, fbs::ReplyStatus status) {
  if (task_id.empty()) return;
  if (status == fbs::ReplyStatus::unknown)
    status = success ? fbs::ReplyStatus::answered : fbs::ReplyStatus::failed;
  kit::emit_outcome(ctx, conversation,
                    kit::outcome_spec{task_id, type, "development", success, status, detail,
                                      conversation, results},
                    conversation);
}

void effect(context& ctx, const std::string& key, const std::string& effect_id, const char* kind,
            const std::string& input, const std::string& conversation,
            const std::string& requested_by, const kv_list& params) {
  kit::emit_effect_request(
      ctx, key,
      kit::effect_request_spec{effect_id, kind, input, conversation, requested_by, params},
      conversation);
}

void finish_deploy(deploy_record& d, std::int64_t now, bool success, const std::string& detail,
                   context& ctx) {
  d.phase = deploy_phase::done;
  d.done_ms = now;
  task_outcome(ctx, d.conversation_id, d.task_id, d.task_type, success, detail,
               {{"deploy_id", d.deploy_id},
                {"service", d.service},
                {"environment", d.environment},
                {"commit", d.commit}});
}

} // namespace aetherial::actors::development
