// Requests: counting per requester, brute-force logins and attack signatures.

#include <algorithm>
#include <cmath>
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
  const std::string ip(view(r.ip()));
  const std::string user(view(r.user_ref()));

  roll_site(now);
  ++state_.site.requests.count;
  if (!ip.empty() && state_.site.bucket_ips.size() < cfg_.max_bucket_sources)
    state_.site.bucket_ips.insert(ip);
  state_.site.sources.count = state_.site.bucket_ips.size();

  requester_record* ip_rec = nullptr;
  requester_record* user_rec = nullptr;
  if (!ip.empty()) {
    ip_rec = &state_.ips[ip];
    count_request(*ip_rec, cfg_.ip_baseline, now);
  }
  if (!user.empty()) {
    user_rec = &state_.users[user];
    count_request(*user_rec, cfg_.user_baseline, now);
  }
  const bool failed_login = r.login() && !r.login_success();
  if (failed_login) {
    // Only the newest `threshold` failures can decide the window, so no more are kept.
    const std::size_t keep =
        std::max<std::size_t>({cfg_.brute_force_ip_failures, cfg_.brute_force_user_failures, 1});
    for (auto* rec : {ip_rec, user_rec}) {
      if (rec == nullptr) continue;
      // Sorted by event time, also when an event arrives late.
      auto& f = rec->failed_logins;
      f.insert(std::upper_bound(f.begin(), f.end(), now), now);
      while (rec->failed_logins.size() > keep)
        rec->failed_logins.pop_front();
    }
  }

  check_ddos(ctx);

  // A blocked or banned subject is already handled: its requests still count in the totals
  // and baselines, but raise no new incidents until the block ends.
  const std::string ips = ip.empty() ? std::string() : ip_subject(ip);
  const std::string users = user.empty() ? std::string() : user_subject(user);
  if (ip_rec && !held(ips)) {
    check_rate(ips, *ip_rec, cfg_.ip_baseline, ctx);
    if (!held(ips) && failed_login)
      check_brute_force(ips, *ip_rec, cfg_.brute_force_ip_failures, ctx);
    if (!held(ips)) check_signatures(ips, r, ctx);
  }
  if (user_rec && !held(users)) {
    check_rate(users, *user_rec, cfg_.user_baseline, ctx);
    if (!held(users) && failed_login)
      check_brute_force(users, *user_rec, cfg_.brute_force_user_failures, ctx);
  }

  if (ip_rec) evict_oldest(state_.ips, cfg_.max_ips, [](const requester_record&) { return true; });
  if (user_rec)
    evict_oldest(state_.users, cfg_.max_users, [](const requester_record&) { return true; });
}

void security_agent::check_brute_force(const std::string& subject, requester_record& rec,
                                       std::uint32_t threshold, context& ctx) {
  if (rec.failed_logins.size() < threshold) return;
  const auto n = static_cast<std::int64_t>(rec.failed_logins.size());
  const std::int64_t span = rec.failed_logins.back() - rec.failed_logins.front();
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
