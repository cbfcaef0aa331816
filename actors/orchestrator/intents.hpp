#pragma once
// Intent names the Orchestrator's parts share.

#include <string_view>

namespace aetherial::actors::orchestrator {

/// The intent that opens the course dialogue.
inline constexpr std::string_view course_intent = "content.create_course";
/// The intent of a deploy.
inline constexpr std::string_view deploy_intent = "development.deploy";
/// A question or status request about a deploy: read-only, never an action.
inline constexpr std::string_view deploy_status_intent = "development.deploy_status";
/// The intent of a "yes" to a pending question.
inline constexpr std::string_view confirm_intent = "dialogue.confirm";

} // namespace aetherial::actors::orchestrator
