#pragma once
// Small helpers shared by the Development agent's parts: text formatting and the replies,
// task outcomes and effect requests it emits.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/agent.hpp"
#include "actors/development/state.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

/// Key/value pairs for reply details, task results and effect parameters.
using kv_list = std::vector<std::pair<std::string, std::string>>;

/// The string, or "" when absent.
using kit::str;

/// A rate as a percentage with two decimals: 0.0123 -> "1.23 %".
std::string percent(double rate);

/// "user:alice" and "alice" are one person.
std::string person(std::string_view who);

/// The first line of a text, cut to `max` characters.
std::string first_line(std::string_view text, std::size_t max);

/// Emits a Reply in `conversation`; nothing when there is no conversation.
void reply(context& ctx, const std::string& conversation, const std::string& text,
           fbs::ReplyStatus status, const std::string& intent, const kv_list& details = {});

/// Emits the TaskOutcome of `task_id`; nothing when there is no task.
void task_outcome(context& ctx, const std::string& conversation, const std::string& task_id,
                  const std::string& type, bool success, const std::string& detail,
                  const kv_list& results = {}, fbs::ReplyStatus status = fbs::ReplyStatus::unknown);

/// Requests an effect of `kind` keyed by `key`.
void effect(context& ctx, const std::string& key, const std::string& effect_id, const char* kind,
            const std::string& input, const std::string& conversation,
            const std::string& requested_by, const kv_list& params);

/// Marks a deploy done and emits its task outcome.
void finish_deploy(deploy_record& d, std::int64_t now, bool success, const std::string& detail,
                   context& ctx);

} // namespace aetherial::actors::development
