// Requests: counting per requester, brute-force logins and attack signatures.

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "actors/security/detection.hpp"
#include "actors/security/security_agent.hpp"
#include "actors/security/signatures.hpp"
#include "actors/security/text.hpp"

namespace aetherial::actors::security {

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

void security_agent::on_request(const fbs::RequestSummary& r, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  auto& tables = ctx.tables();
  // A name too long to key a row is not tracked; the request still counts in the totals.
  const std::string ip = trackable(view(r.ip())) ? std::string(view(r.ip())) : std::string();

  roll_site(now, tables);
  ++state_.site.requests.count;
  if (!ip.empty()) count_source(ip, tables);

  std::optional<requester_slot> ip_slot;
  if (!ip.empty()) {
    ip_slot.emplace(tables, ips_table, ip);
    count_request(*ip_slot, ips_expiry_, state_.ip_rows, cfg_.ip_baseline, now, tables);
  }
  requester_record* ip_rec = ip_slot ? &*ip_slot->record : nullptr;
  const bool failed_login = r.login() && !r.login_success();
  if (failed_login && ip_rec != nullptr) note_failed_login(*ip_rec, now);
  // The DDoS check reads the bucket's requesters from the table, this one included.
  if (ip_slot) ip_slot->save();

  check_ddos(ctx);

  // A blocked or banned subject is already handled: its requests still count in the totals
  // and baselines, but raise no new incidents until the block ends.
  const std::string ips = ip.empty() ? std::string() : ip_subject(ip);
  if (ip_rec && !held(ips, ctx)) {
    check_rate(ips, *ip_rec, cfg_.ip_baseline, ctx);
    if (!held(ips, ctx) && failed_login)
      check_brute_force(ips, *ip_rec, cfg_.brute_force_ip_failures, ctx);
    if (!held(ips, ctx)) check_signatures(ips, r, ctx);
  }
  if (ip_slot) ip_slot->save();
  if (ip_slot) bound(ips_table, ips_expiry_, state_.ip_rows, cfg_.max_ips, tables);

  const std::string_view user = view(r.user_ref());
  if (!trackable(user)) return;
  if (ctx.partitions() <= 1) {
    on_account_request(r, ctx);
    return;
  }
  // The account's requests come from many IPs, so from many partitions: its part goes to the
  // partition of the account, where all of them meet (Kafka Streams' repartition topic).
  auto& b = ctx.builder();
  const auto copy =
      fbs::CreateRequestSummaryDirect(b, nullptr, std::string(user).c_str(), nullptr, nullptr,
                                      nullptr, r.status(), r.login(), r.login_success());
  ctx.emit(output::repartition, user, fbs::Payload::RequestSummary, copy.Union());
}

void security_agent::note_failed_login(requester_record& rec, std::int64_t now) const {
  // Only the newest `threshold` failures can decide the window, so no more are kept.
  const std::size_t keep =
      std::max<std::size_t>({cfg_.brute_force_ip_failures, cfg_.brute_force_user_failures, 1});
  // Sorted by event time, also when an event arrives late.
  auto& f = rec.failed_logins;
  f.insert(std::upper_bound(f.begin(), f.end(), now), now);
  while (f.size() > keep)
    f.pop_front();
}

void security_agent::on_account_request(const fbs::RequestSummary& r, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  auto& tables = ctx.tables();
  if (!trackable(view(r.user_ref()))) return;
  const std::string user(view(r.user_ref()));
  requester_slot user_slot(tables, users_table, user);
  count_request(user_slot, users_expiry_, state_.user_rows, cfg_.user_baseline, now, tables);
  requester_record& rec = *user_slot.record;
  const bool failed_login = r.login() && !r.login_success();
  if (failed_login) note_failed_login(rec, now);
  const std::string users = user_subject(user);
  if (!held(users, ctx)) {
    check_rate(users, rec, cfg_.user_baseline, ctx);
    if (!held(users, ctx) && failed_login)
      check_brute_force(users, rec, cfg_.brute_force_user_failures, ctx);
  }
  user_slot.save();
  bound(users_table, users_expiry_, state_.user_rows, cfg_.max_users, tables);
}

void security_agent::check_brute_force(const std::string& subject, requester_record& rec,
                                       std::uint32_t threshold, context& ctx) {
  if (rec.failed_logins.size() < threshold) return;
  // The window ends at the newest failure: a late event (an account's requests come from many
  // partitions, in no fixed order) cannot stretch it.
  const auto& f = rec.failed_logins;
  const auto first = std::upper_bound(f.begin(), f.end(), f.back() - cfg_.brute_force_window_ms);
  const auto n = static_cast<std::int64_t>(f.end() - first);
  if (n < static_cast<std::int64_t>(threshold)) return;
  const std::int64_t span = f.back() - *first;
  const std::string why = integer(n) + " failed logins within " + duration(span) + " (threshold " +
                          integer(threshold) + " in " + duration(cfg_.brute_force_window_ms) + ")";
  rec.failed_logins.clear();
  detection d{"brute_force", fbs::Severity::warning,
              subject,       std::min(1.0, static_cast<double>(n) / (2.0 * threshold) + 0.5),
              why,           {}};
  offend(subject, "brute_force", raise(d, ctx), ctx);
}

void security_agent::check_signatures(const std::string& subject, const fbs::RequestSummary& r,
                                      context& ctx) {
  if (r.params() == nullptr) return;
  for (const auto* kv : *r.params()) {
    if (kv == nullptr) continue;
    const std::string folded = fold_param(view(kv->value()), cfg_.max_param_bytes);
    const auto m = match_signature(folded);
    if (!m) continue;
    std::string shown = folded.substr(0, cfg_.evidence_bytes);
    if (folded.size() > shown.size()) shown += "...";
    const std::string why = "parameter '" + std::string(view(kv->key())) + "' of " +
                            std::string(view(r.method())) + " " + std::string(view(r.path())) +
                            " matched " + std::string(m->signature) + ": \"" + shown + "\"";
    const bool sqli = m->kind == "sql_injection";
    detection d{std::string(m->kind),
                sqli ? fbs::Severity::critical : fbs::Severity::warning,
                subject,
                sqli ? 0.95 : 0.9,
                why,
                {}};
    offend(subject, m->kind, raise(d, ctx), ctx);
    return; // one incident per request: the subject is now blocked
  }
}

} // namespace aetherial::actors::security
