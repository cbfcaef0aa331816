#pragma once
// The Analytics agent: DAU/WAU/MAU (HyperLogLog), popular features (Space-Saving top-K),
// retention cohorts, day-over-day change and peak concurrency, A/B verdicts, and answers to
// analytics tasks. One deterministic reducer over platform.activity and aetherial.tasks.
// User and session references are replaced by keyed hashes on arrival: no raw id is stored
// or emitted.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "actors/agent.hpp"
#include "actors/analytics/config.hpp"
#include "actors/analytics/keyed_hash.hpp"
#include "actors/analytics/reports.hpp"
#include "actors/analytics/state.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::analytics {

/// Name of the agent kind, and the emitter name in derived event ids.
inline constexpr std::string_view kind_name = "analytics";

/// The Analytics agent of one partition; owned by its host, lives as long as the host.
class analytics_agent final : public agent {
public:
  explicit analytics_agent(analytics_config cfg);

  void on_event(const fbs::Envelope& event, context& ctx) override;
  [[nodiscard]] bytes snapshot() const override;
  /// Also refuses a snapshot taken under another salt.
  [[nodiscard]] bool restore(const std::uint8_t* data, std::size_t size) override;

  /// Whether the agent refuses to work (no usable salt configured).
  [[nodiscard]] bool refusing() const noexcept { return refusing_; }
  /// The current state, for tests and inspection.
  [[nodiscard]] const analytics_state& state() const noexcept { return state_; }
  [[nodiscard]] const analytics_config& config() const noexcept { return cfg_; }

private:
  void on_activity(const fbs::Envelope& event, const fbs::UserActivity& a, context& ctx);
  void on_task(const fbs::Task& task, context& ctx);
  [[nodiscard]] report answer(std::string_view query, const kit::task_spec& task,
                              std::string_view tenant, std::int32_t today) const;
  void emit_answer(const report& r, const kit::task_spec& task, std::string_view tenant,
                   fbs::ReplyStatus status, context& ctx);
  void evict_tenants();

  analytics_config cfg_;
  hash_key key_;
  std::uint64_t fingerprint_ = 0;
  bool refusing_ = false;
  analytics_state state_;
};

/// Creates an Analytics agent configured by "analytics.salt" (required: without it the agent
/// refuses, see analytics_config::salt).
[[nodiscard]] std::unique_ptr<agent> make_analytics_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::analytics
