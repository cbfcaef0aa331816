#pragma once
// The Operations agent: auto-scaling, self-healing, continuous optimization and the
// runtime's own scaling, as one deterministic reducer over platform.metrics,
// platform.health, aetherial.telemetry and aetherial.tasks. Every decision goes to
// aetherial.decisions with its reason and numbers, keyed by the service it concerns; a
// diagnosis task is answered on aetherial.replies and aetherial.tasks, keyed by its
// conversation id.

#include <memory>
#include <string_view>

#include "actors/agent.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// Name of the agent kind, and the emitter name in derived event ids.
inline constexpr std::string_view kind_name = "operations";

/// The Operations agent of one partition; owned by its host, lives as long as the host.
class operations_agent final : public agent {
public:
  explicit operations_agent(operations_config cfg = {});

  void on_event(const fbs::Envelope& event, context& ctx) override;
  [[nodiscard]] bytes snapshot() const override;
  [[nodiscard]] bool restore(const std::uint8_t* data, std::size_t size) override;

  /// The current state, for tests and inspection.
  [[nodiscard]] const operations_state& state() const noexcept { return state_; }
  [[nodiscard]] const operations_config& config() const noexcept { return cfg_; }

private:
  operations_config cfg_;
  operations_state state_;
};

/// Creates an Operations agent with empty state, configured by the "operations." settings
/// (`config_from`).
[[nodiscard]] std::unique_ptr<agent> make_operations_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::operations
