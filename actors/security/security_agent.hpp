#pragma once
// The Security agent: rate baselines per IP and per user, DDoS (total rate and distinct
// source surge), brute force, SQL injection and XSS signatures, blocks with a TTL and
// automatic unblock, and permanent bans that wait for a human's approval. One deterministic
// reducer over platform.requests and platform.feedback; every decision goes to
// aetherial.decisions keyed by its subject.

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "actors/agent.hpp"
#include "actors/kit/agent_base.hpp"
#include "actors/security/config.hpp"
#include "actors/security/state.hpp"
#include "actors/security/state_codec.hpp"

namespace aetherial::actors::security {

/// The Security agent of one partition; owned by its host, lives as long as the host.
class security_agent final
    : public kit::agent_base<security_agent, security_state, security_config, &decode_state> {
public:
  explicit security_agent(security_config cfg = {});

  void on_event(const fbs::Envelope& event, context& ctx) override;

private:
  friend agent_base;
  struct detection;

  void on_request(const fbs::RequestSummary& r, context& ctx);
  /// Whether the answer to a proposed ban comes from a principal the runtime verified holding
  /// an approving role; if not, an AccessAudit refusal is emitted and the answer ignored.
  [[nodiscard]] bool approver_allowed(std::string_view subject, std::string_view claimed,
                                      context& ctx);
  void on_ban_answer(std::string_view subject, bool approved, std::string_view approver,
                     std::string_view reason, context& ctx);

  void roll_site(std::int64_t now);
  void count_request(requester_record& rec, const baseline_config& cfg, std::int64_t now);
  void check_ddos(context& ctx);
  void check_rate(const std::string& subject, requester_record& rec, const baseline_config& cfg,
                  context& ctx);
  void check_brute_force(const std::string& subject, requester_record& rec, std::uint32_t threshold,
                         context& ctx);
  void check_signatures(const std::string& subject, const fbs::RequestSummary& r, context& ctx);

  [[nodiscard]] bool held(const std::string& subject) const;
  std::string raise(const detection& d, context& ctx);
  void offend(const std::string& subject, std::string_view kind, const std::string& incident,
              context& ctx);
  void block(subject_record& rec, const std::string& subject, std::int64_t until,
             const std::string& reason, context& ctx);
  void end_proposal(subject_record& rec, const std::string& subject, const std::string& why,
                    context& ctx);
  void emit_block(const std::string& subject, std::string_view action, std::int64_t ttl_ms,
                  std::int64_t until_ms, const std::string& incident, const std::string& reason,
                  context& ctx);
  void expire(context& ctx);
  void sweep(std::int64_t now);
  void reindex();
  /// After a restore: rebuilds what is derived from the state.
  void restored() { reindex(); }

  // Derived from state_ (rebuilt on restore): blocks in force by end time, and pending ban
  // proposals by deadline, so that expiry never scans every subject.
  std::set<std::pair<std::int64_t, std::string>> unblock_due_;
  std::set<std::pair<std::int64_t, std::string>> ban_due_;
  std::uint32_t incidents_this_event_ = 0;
};

/// Creates a Security agent; reads "security.partitions" from `settings`.
[[nodiscard]] std::unique_ptr<agent> make_security_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::security
