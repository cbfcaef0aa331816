#pragma once
// Intent names the Orchestrator's parts share.

#include <string_view>

namespace aetherial::actors::orchestrator {

/// The intent that opens the course dialogue.
inline constexpr std::string_view course_intent = "content.create_course";
/// The intent of a "yes" to a pending question.
inline constexpr std::string_view confirm_intent = "dialogue.confirm";

} // namespace aetherial::actors::orchestrator
