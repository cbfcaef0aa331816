#pragma once
// The Analytics agent: DAU/WAU/MAU (HyperLogLog), popular features (Space-Saving top-K),
// retention cohorts, day-over-day change and peak concurrency, A/B verdicts, and answers to
// analytics tasks. One deterministic reducer over platform.activity and aetherial.tasks.
// User and session references, and the record key naming the tenant, are replaced by keyed
// hashes on arrival: no raw id is stored or emitted.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "actors/agent.hpp"
#include "actors/analytics/config.hpp"
#include "actors/analytics/keyed_hash.hpp"
#include "actors/analytics/reports.hpp"
#include "actors/analytics/state.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/analytics/tables.hpp"
#include "actors/kit/agent_base.hpp"
#include "actors/kit/expiry_index.hpp"
#include "actors/kit/gather.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::analytics {

/// The Analytics agent of one partition; owned by its host, lives as long as the host.
class analytics_agent final
    : public kit::agent_base<analytics_agent, analytics_state, analytics_config> {
public:
  explicit analytics_agent(analytics_config cfg);

  void on_event(const fbs::Envelope& event, context& ctx) override;
  /// Writes the days and cohorts changed since the last flush to their tables.
  void flush(table_store& tables) override;

  /// Whether the agent refuses to work (no usable salt configured).
  [[nodiscard]] bool refusing() const noexcept { return refusing_; }

private:
  friend agent_base;
  /// Snapshots are tagged with the fingerprint of the salt's key.
  [[nodiscard]] bytes encode_snapshot() const { return encode_state(state_, fingerprint_); }
  /// Also refuses a snapshot taken under another salt.
  [[nodiscard]] std::optional<analytics_state> decode_snapshot(const std::uint8_t* data,
                                                               std::size_t size) const {
    return decode_state(data, size, fingerprint_);
  }

  void on_activity(const fbs::Envelope& event, const fbs::UserActivity& a, context& ctx);
  void on_task(const fbs::Task& task, context& ctx);
  /// The answer about `tenant` (the name asked) from its state `t` (nullptr: none).
  [[nodiscard]] report answer(std::string_view query, const kit::task_spec& task,
                              std::string_view tenant, const tenant_state* t,
                              std::int32_t today) const;
  /// The state of the tenant named `pseudonym`, nullptr when this partition holds none.
  [[nodiscard]] const tenant_state* tenant_of(const std::string& pseudonym) const;
  /// This partition's part of a question that spans partitions, and the answer from them all.
  [[nodiscard]] bytes part_of(const kit::task_spec& task, std::int64_t time_ms) const;
  void finish(const kit::task_spec& task, const kit::gather_parts& parts,
              const kit::gather_progress& progress, context& ctx);
  /// The tenant a task asks about, as named and by pseudonym.
  [[nodiscard]] std::pair<std::string, std::string> tenant_asked(const kit::task_spec& task) const;
  /// Emits the answer's decisions keyed by `key` (the tenant's pseudonym), its reply and
  /// outcome keyed by the conversation.
  void emit_answer(const report& r, const kit::task_spec& task, const std::string& key,
                   fbs::ReplyStatus status, context& ctx);
  /// Forgets the least recently active tenants past max_tenants, their users' rows with them.
  void evict_tenants(table_store& tables);
  /// Forgets the users idle for the kept history at `now`.
  void expire_users(std::int64_t now, table_store& tables);
  /// After a restore: the index knows nothing of the tables it was used with, and the days
  /// and cohorts are read from their rows at the next event.
  void restored();
  /// Reads every tenant's days and cohorts from their rows (after a restore).
  void load_days(const table_store& tables);

  kit::expiry_index users_expiry_{std::string(users_expiry_index)};
  kit::gatherer gather_;
  hash_key key_;
  std::uint64_t fingerprint_ = 0;
  bool refusing_ = false;
  bool days_loaded_ = true; ///< false after a restore, until load_days
};

/// Creates an Analytics agent configured by "analytics.salt" (required: without it the agent
/// refuses, see analytics_config::salt).
[[nodiscard]] std::unique_ptr<agent> make_analytics_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::analytics
