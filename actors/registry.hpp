#pragma once
// The agent kinds this build knows, by name: what the runtime hosts and the audit replays.

#include <string_view>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors {

/// Every agent kind, in a fixed order; built once, lives for the whole process.
[[nodiscard]] const std::vector<agent_kind>& agent_kinds();

/// The agent kind named `name`, or nullptr.
[[nodiscard]] const agent_kind* find_agent_kind(std::string_view name);

} // namespace aetherial::actors
