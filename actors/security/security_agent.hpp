#pragma once
// The Security agent: rate baselines per IP and per user, DDoS (total rate and distinct
// source surge), brute force, SQL injection and XSS signatures, blocks with a TTL and
// automatic unblock, and permanent bans that wait for a human's approval. One deterministic
// reducer over platform.requests and platform.feedback; every decision goes to
// aetherial.decisions keyed by its subject. Requesters and subjects are rows of its tables
// (tables.hpp), so its state grows with the traffic without growing its snapshot.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "actors/agent.hpp"
#include "actors/kit/agent_base.hpp"
#include "actors/kit/expiry_index.hpp"
#include "actors/security/config.hpp"
#include "actors/security/state.hpp"
#include "actors/security/state_codec.hpp"
#include "actors/security/tables.hpp"

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

  /// A request as the platform reported it (keyed by client IP): the site's totals, the IP's
  /// rate, brute force and signatures; the account's part here (one partition) or on the
  /// account's partition, re-keyed through aetherial.repartition.
  void on_request(const fbs::RequestSummary& r, context& ctx);
  /// A request's account part: the user's rate and failed logins. Every request of an account
  /// reaches the same partition this way, from whatever IPs.
  void on_account_request(const fbs::RequestSummary& r, context& ctx);
  /// Keeps a failed login at `now` in a requester's window.
  void note_failed_login(requester_record& rec, std::int64_t now) const;
  /// Whether the answer to a proposed ban comes from a principal the runtime verified holding
  /// an approving role; if not, an AccessAudit refusal is emitted and the answer ignored.
  [[nodiscard]] bool approver_allowed(std::string_view subject, std::string_view claimed,
                                      context& ctx);
  void on_ban_answer(std::string_view subject, bool approved, std::string_view approver,
                     std::string_view reason, context& ctx);

  void roll_site(std::int64_t now, table_store& tables);
  void count_source(std::string_view ip, table_store& tables);
  /// Loads `slot`'s requester (creating it, filed in `index`, counted in `rows`) and counts
  /// the request.
  void count_request(requester_slot& slot, const kit::expiry_index& index, std::uint64_t& rows,
                     const baseline_config& cfg, std::int64_t now, table_store& tables);
  void check_ddos(context& ctx);
  void check_rate(const std::string& subject, requester_record& rec, const baseline_config& cfg,
                  context& ctx);
  void check_brute_force(const std::string& subject, requester_record& rec, std::uint32_t threshold,
                         context& ctx);
  void check_signatures(const std::string& subject, const fbs::RequestSummary& r, context& ctx);

  [[nodiscard]] bool held(const std::string& subject, context& ctx) const;
  std::string raise(const detection& d, context& ctx);
  void offend(const std::string& subject, std::string_view kind, const std::string& incident,
              context& ctx);
  void offend(subject_record& rec, const std::string& subject, std::string_view kind,
              const std::string& incident, context& ctx);
  /// Writes a subject's row back and files it where it may be forgotten.
  void store(subject_slot& slot, table_store& tables);
  void block(subject_record& rec, const std::string& subject, std::int64_t until,
             const std::string& reason, context& ctx);
  void end_proposal(subject_record& rec, const std::string& subject, const std::string& why,
                    context& ctx);
  void emit_block(const std::string& subject, std::string_view action, std::int64_t ttl_ms,
                  std::int64_t until_ms, const std::string& incident, const std::string& reason,
                  context& ctx);
  void expire(context& ctx);
  void sweep(std::int64_t now, table_store& tables);
  /// Forgets the least recently seen requesters of `table` until at most `max` remain.
  void bound(std::string_view table, const kit::expiry_index& index, std::uint64_t& rows,
             std::uint64_t max, table_store& tables);
  /// After a restore: the indexes know nothing of the tables they were used with.
  void restored();

  kit::expiry_index ips_expiry_{std::string(ips_expiry_index)};
  kit::expiry_index users_expiry_{std::string(users_expiry_index)};
  kit::expiry_index subjects_expiry_{std::string(subjects_expiry_index)};
  kit::expiry_index unblock_due_{std::string(unblock_due_index)};
  kit::expiry_index ban_due_{std::string(ban_due_index)};
  std::uint32_t incidents_this_event_ = 0;
};

/// Creates a Security agent; reads "security.partitions" from `settings`.
[[nodiscard]] std::unique_ptr<agent> make_security_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::security
