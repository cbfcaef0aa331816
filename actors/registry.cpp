#include "actors/registry.hpp"

#include "actors/operations/operations_agent.hpp"
#include "actors/operations/state_codec.hpp"

namespace aetherial::actors {

namespace {

std::vector<agent_kind> build_kinds() {
  std::vector<agent_kind> kinds;
  kinds.push_back(agent_kind{std::string(operations::kind_name),
                             {"platform.metrics", "platform.health", "aetherial.telemetry"},
                             operations::state_encoding_version,
                             &operations::make_operations_agent});
  return kinds;
}

} // namespace

const std::vector<agent_kind>& agent_kinds() {
  static const std::vector<agent_kind> kinds = build_kinds();
  return kinds;
}

const agent_kind* find_agent_kind(std::string_view name) {
  for (const auto& k : agent_kinds())
    if (k.name == name) return &k;
  return nullptr;
}

} // namespace aetherial::actors
