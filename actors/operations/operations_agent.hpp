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
#include "actors/kit/agent_base.hpp"
#include "actors/kit/gather.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/service_table.hpp"
#include "actors/operations/state.hpp"
#include "actors/operations/state_codec.hpp"

namespace aetherial::actors::operations {

/// The Operations agent of one partition; owned by its host, lives as long as the host.
class operations_agent final
    : public kit::agent_base<operations_agent, operations_state, operations_config, &decode_state> {
public:
  using agent_base::agent_base;

  void on_event(const fbs::Envelope& event, context& ctx) override;
  void flush(table_store& tables) override { services_.flush(tables); }

private:
  friend agent_base;
  /// A restored state goes with other tables: nothing cached of the former ones is kept.
  void restored() {
    services_.clear();
    gather_.restart();
  }

  service_rows services_{std::string(services_table), cached_service_rows};
  kit::gatherer gather_{std::string(kind_name), cfg_.diagnosis.gather_timeout_ms};
};

/// Creates an Operations agent with empty state, configured by the "operations." settings
/// (`config_from`).
[[nodiscard]] std::unique_ptr<agent> make_operations_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::operations
