#include "actors/security/security_agent.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "actors/security/signatures.hpp"
#include "actors/security/state_codec.hpp"
#include "actors/security/text.hpp"

namespace aetherial::actors::security {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::string ip_subject(std::string_view ip) {
  return "ip:" + std::string(ip);
}

std::string user_subject(std::string_view user) {
  return "user:" + std::string(user);
}

fbs::Severity raise_severity(fbs::Severity s) {
  return s == fbs::Severity::info ? fbs::Severity::warning : fbs::Severity::critical;
}

// Moves a series to the bucket of `now`; the closed buckets (and the silence after them)
// teach the baseline. Late events count in the current bucket.
void roll(rate_series& s, const baseline_config& cfg, std::int64_t bucket_ms, std::int64_t now) {
  const std::int64_t b = floor_div(now, bucket_ms) * bucket_ms;
  if (s.bucket_start_ms == 0 && s.count == 0 && s.baseline.samples() == 0) {
    s.bucket_start_ms = b;
    return;
  }
  if (b <= s.bucket_start_ms) return;
  s.baseline.observe(cfg, static_cast<double>(s.count));
  s.baseline.observe_silence(cfg,
                             static_cast<std::uint64_t>((b - s.bucket_start_ms) / bucket_ms - 1));
  s.bucket_start_ms = b;
  s.count = 0;
  s.flagged = false;
}

std::string baseline_text(const rate_series& s, const baseline_config& cfg) {
  return fixed(s.baseline.mean(), 1) + " ± " + fixed(s.baseline.stddev(cfg), 1);
}

// Erases the oldest records (by last-seen time, then key) until at most 90 % of `max` remain.
template <class Record, class Evictable>
void evict_oldest(std::map<std::string, Record>& m, std::size_t max, Evictable evictable) {
  if (m.size() <= max) return;
  std::vector<std::pair<std::int64_t, const std::string*>> order;
  order.reserve(m.size());
  for (const auto& [k, v] : m)
    if (evictable(v)) order.emplace_back(v.last_seen_ms, &k);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : *a.second < *b.second;
  });
  const std::size_t target = max - max / 10;
  std::vector<std::string> victims;
  for (const auto& [t, k] : order) {
    if (m.size() - victims.size() <= target) break;
    victims.push_back(*k);
  }
  for (const auto& k : victims)
    m.erase(k);
}

} // namespace

/// One detection, as raised in an incident.
struct security_agent::detection {
  std::string kind;
  fbs::Severity severity = fbs::Severity::warning;
  std::string subject;
  double score = 0.0;
  std::string evidence;
  std::string incident_id; ///< empty: derived from the cause
};

security_agent::security_agent(security_config cfg) : cfg_(std::move(cfg)) {
  if (cfg_.partitions == 0) cfg_.partitions = 1;
  if (cfg_.bucket_ms <= 0) cfg_.bucket_ms = 60'000;
}

void security_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  incidents_this_event_ = 0;
  const std::int64_t now = ctx.event_time_ms();
  state_.watermark_ms = std::max(state_.watermark_ms, now);
  // Any event's time can end a block or an approval window: expire first, so that a request
  // after its block's end is judged as unblocked.
  expire(ctx);

  switch (event.payload_type()) {
    case fbs::Payload::RequestSummary: on_request(*event.payload_as_RequestSummary(), ctx); break;
    case fbs::Payload::BanApproval: {
      const auto& a = *event.payload_as_BanApproval();
      const std::string_view approver =
          text(a.approver()).empty() ? text(event.principal()) : text(a.approver());
      on_ban_answer(text(a.subject()), a.approved(), approver, text(a.reason()), ctx);
      break;
    }
    case fbs::Payload::Feedback: {
      const auto& f = *event.payload_as_Feedback();
      if (text(f.kind()) != "ban_approval") break;
      const bool approved =
          f.value() >= 0.5 || text(f.label()) == "approved" || text(f.label()) == "approve";
      const std::string_view approver =
          text(f.user_ref()).empty() ? text(event.principal()) : text(f.user_ref());
      on_ban_answer(text(f.target_id()), approved, approver, text(f.label()), ctx);
      break;
    }
    default:
      // Other feedback, decisions (including this agent's own) and unknown payloads carry
      // nothing to act on.
      break;
  }
  if (now - state_.last_sweep_ms >= cfg_.bucket_ms) {
    state_.last_sweep_ms = now;
    sweep(now);
  }
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

void security_agent::on_request(const fbs::RequestSummary& r, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  const std::string ip(text(r.ip()));
  const std::string user(text(r.user_ref()));

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

void security_agent::count_request(requester_record& rec, const baseline_config& cfg,
                                   std::int64_t now) {
  roll(rec.rate, cfg, cfg_.bucket_ms, now);
  ++rec.rate.count;
  rec.last_seen_ms = std::max(rec.last_seen_ms, now);
  while (!rec.failed_logins.empty() &&
         rec.failed_logins.front() <= now - cfg_.brute_force_window_ms)
    rec.failed_logins.pop_front();
}

void security_agent::roll_site(std::int64_t now) {
  auto& site = state_.site;
  const std::int64_t b = floor_div(now, cfg_.bucket_ms) * cfg_.bucket_ms;
  if (site.requests.bucket_start_ms != 0 && b > site.requests.bucket_start_ms) {
    // The DDoS is over once a whole bucket is back under both thresholds.
    const double zr =
        site.requests.baseline.z(cfg_.site_baseline, static_cast<double>(site.requests.count));
    const double zs =
        site.sources.baseline.z(cfg_.source_baseline, static_cast<double>(site.sources.count));
    if (zr < cfg_.site_baseline.z_threshold && zs < cfg_.source_baseline.z_threshold) {
      site.ddos_active = false;
      site.ddos_incident.clear();
    }
    site.bucket_ips.clear();
  }
  roll(site.requests, cfg_.site_baseline, cfg_.bucket_ms, now);
  roll(site.sources, cfg_.source_baseline, cfg_.bucket_ms, now);
}

void security_agent::check_ddos(context& ctx) {
  auto& site = state_.site;
  if (site.ddos_active || site.requests.flagged) return;
  const auto& rb = cfg_.site_baseline;
  const auto& sb = cfg_.source_baseline;
  const double requests = static_cast<double>(site.requests.count);
  const double sources = static_cast<double>(site.sources.count);
  const double min_requests = std::ceil(static_cast<double>(cfg_.ddos_min_site_requests) /
                                        static_cast<double>(cfg_.partitions));
  const double min_sources = std::ceil(static_cast<double>(cfg_.ddos_min_site_sources) /
                                       static_cast<double>(cfg_.partitions));
  const double zr = site.requests.baseline.z(rb, requests);
  const double zs = site.sources.baseline.z(sb, sources);
  const bool by_rate =
      site.requests.baseline.warm(rb) && zr >= rb.z_threshold && requests >= min_requests;
  const bool by_sources =
      site.sources.baseline.warm(sb) && zs >= sb.z_threshold && sources >= min_sources;
  if (!by_rate && !by_sources) return;
  site.requests.flagged = true;
  site.ddos_active = true;
  // The same id in every partition for the same bucket: consumers deduplicate by it.
  const std::string id = "sec-ddos-" + integer(site.requests.bucket_start_ms);
  site.ddos_incident = id;

  auto& b = ctx.builder();
  const std::string share = cfg_.partitions > 1
                                ? " (this partition's share, 1/" + integer(cfg_.partitions) + ")"
                                : std::string();
  if (by_rate) {
    const std::string reason = integer(site.requests.count) + " requests in the bucket vs " +
                               baseline_text(site.requests, rb) + share + ", z " + fixed(zr, 1);
    auto p = fbs::CreateAnomalyDecisionDirect(
        b, "site/requests", requests, anomaly_score(zr, rb.z_threshold), 0.5, reason.c_str());
    ctx.emit(output::decisions, "site", fbs::Payload::AnomalyDecision, p.Union(), id);
  }
  if (by_sources) {
    const std::string reason = integer(site.sources.count) + " distinct sources in the bucket vs " +
                               baseline_text(site.sources, sb) + share + ", z " + fixed(zs, 1);
    auto p = fbs::CreateAnomalyDecisionDirect(
        b, "site/sources", sources, anomaly_score(zs, sb.z_threshold), 0.5, reason.c_str());
    ctx.emit(output::decisions, "site", fbs::Payload::AnomalyDecision, p.Union(), id);
  }

  // Heavy hitters of the bucket: the sources worth blocking (a surge of many small sources
  // has none, and is left to the edge's challenge or upstream scrubbing).
  std::vector<std::pair<std::uint64_t, const std::string*>> hitters;
  const double floor_count = cfg_.ddos_heavy_hitter_share * requests;
  for (const auto& [ip, rec] : state_.ips)
    if (rec.rate.bucket_start_ms == site.requests.bucket_start_ms &&
        static_cast<double>(rec.rate.count) >= floor_count && rec.rate.count >= 2)
      hitters.emplace_back(rec.rate.count, &ip);
  std::sort(hitters.begin(), hitters.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : *x.second < *y.second;
  });
  if (hitters.size() > cfg_.ddos_max_blocks) hitters.resize(cfg_.ddos_max_blocks);

  std::string evidence = std::string(by_rate && by_sources ? "total rate and source surge"
                                     : by_rate             ? "total rate"
                                                           : "distinct-source surge") +
                         ": " + integer(site.requests.count) + " requests (baseline " +
                         baseline_text(site.requests, rb) + ", z " + fixed(zr, 1) + ") from " +
                         integer(site.sources.count) + " sources (baseline " +
                         baseline_text(site.sources, sb) + ", z " + fixed(zs, 1) +
                         ") in the bucket from " + integer(site.requests.bucket_start_ms) + share;
  if (!hitters.empty()) {
    evidence += "; heavy hitters:";
    for (std::size_t i = 0; i < hitters.size() && i < 5; ++i)
      evidence += " " + *hitters[i].second + " (" +
                  integer(static_cast<std::int64_t>(hitters[i].first)) + ")";
  }
  detection d{
      "ddos",   fbs::Severity::critical,
      "site",   std::max(anomaly_score(zr, rb.z_threshold), anomaly_score(zs, sb.z_threshold)),
      evidence, id};
  raise(d, ctx);
  for (const auto& [count, ip] : hitters) {
    const std::string subject = ip_subject(*ip);
    if (!held(subject)) offend(subject, "ddos", id, ctx);
  }
}

void security_agent::check_rate(const std::string& subject, requester_record& rec,
                                const baseline_config& cfg, context& ctx) {
  auto& s = rec.rate;
  if (s.flagged) return;
  const double count = static_cast<double>(s.count);
  const double z = s.baseline.z(cfg, count);
  const bool hard = s.count >= cfg_.subject_hard_limit;
  const bool learned =
      s.baseline.warm(cfg) && z >= cfg.z_threshold && s.count >= cfg_.subject_min_requests;
  if (!hard && !learned) return;
  s.flagged = true;
  const double score =
      hard ? std::max(0.99, anomaly_score(z, cfg.z_threshold)) : anomaly_score(z, cfg.z_threshold);
  const std::string why =
      integer(static_cast<std::int64_t>(s.count)) + " requests in the bucket from " +
      integer(s.bucket_start_ms) +
      (s.baseline.warm(cfg) ? " vs baseline " + baseline_text(s, cfg) + " (z " + fixed(z, 1) + ")"
                            : std::string(" (baseline still warming up)")) +
      (hard ? "; at or above the hard limit of " + integer(cfg_.subject_hard_limit)
            : std::string());

  detection d{"rate_anomaly", fbs::Severity::warning, subject, score, why, {}};
  const std::string id = raise(d, ctx);
  auto& b = ctx.builder();
  const std::string series = subject + "/requests";
  auto p = fbs::CreateAnomalyDecisionDirect(b, series.c_str(), count, score, 0.5, why.c_str());
  ctx.emit(output::decisions, subject, fbs::Payload::AnomalyDecision, p.Union(), id);
  offend(subject, "rate_anomaly", id, ctx);
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
    const std::string folded = fold_param(text(kv->value()), cfg_.max_param_bytes);
    const auto m = match_signature(folded);
    if (!m) continue;
    std::string shown = folded.substr(0, cfg_.evidence_bytes);
    if (folded.size() > shown.size()) shown += "...";
    const std::string why = "parameter '" + std::string(text(kv->key())) + "' of " +
                            std::string(text(r.method())) + " " + std::string(text(r.path())) +
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

// ---------------------------------------------------------------------------------------
// Incidents, blocks and bans
// ---------------------------------------------------------------------------------------

bool security_agent::held(const std::string& subject) const {
  const auto it = state_.subjects.find(subject);
  if (it == state_.subjects.end()) return false;
  return it->second.ban != ban_status::none || it->second.blocked_until_ms != 0;
}

std::string security_agent::raise(const detection& d, context& ctx) {
  std::string id = d.incident_id;
  if (id.empty()) id = "sec-" + ctx.cause_id().to_string() + "-" + integer(incidents_this_event_);
  ++incidents_this_event_;
  // A repeat offender's incident is one level more severe.
  fbs::Severity severity = d.severity;
  const auto it = state_.subjects.find(d.subject);
  if (it != state_.subjects.end() && !it->second.offenses.empty() &&
      it->second.offenses.back() > ctx.event_time_ms() - cfg_.offense_window_ms)
    severity = raise_severity(severity);
  auto& b = ctx.builder();
  auto p = fbs::CreateSecurityIncidentDirect(b, id.c_str(), d.kind.c_str(), severity,
                                             d.subject.c_str(), d.score, d.evidence.c_str());
  ctx.emit(output::decisions, d.subject, fbs::Payload::SecurityIncident, p.Union(), id);
  return id;
}

void security_agent::emit_block(const std::string& subject, std::string_view action,
                                std::int64_t ttl_ms, std::int64_t until_ms,
                                const std::string& incident, const std::string& reason,
                                context& ctx) {
  auto& b = ctx.builder();
  const std::string a(action);
  auto p = fbs::CreateBlockDecisionDirect(b, subject.c_str(), a.c_str(), ttl_ms, until_ms,
                                          incident.c_str(), reason.c_str());
  ctx.emit(output::decisions, subject, fbs::Payload::BlockDecision, p.Union(), incident);
}

void security_agent::block(subject_record& rec, const std::string& subject, std::int64_t until,
                           const std::string& reason, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  if (rec.blocked_until_ms != 0) unblock_due_.erase({rec.blocked_until_ms, subject});
  rec.blocked_until_ms = until;
  if (rec.ban == ban_status::none) unblock_due_.emplace(until, subject);
  emit_block(subject, "block", until - now, until, rec.incident_id, reason, ctx);
}

void security_agent::offend(const std::string& subject, std::string_view kind,
                            const std::string& incident, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  auto& rec = state_.subjects[subject];
  rec.last_seen_ms = std::max(rec.last_seen_ms, now);
  if (rec.ban != ban_status::none) return;
  // Forget offenses older than the window.
  std::size_t keep = 0;
  for (std::size_t i = 0; i < rec.offenses.size(); ++i)
    if (rec.offenses[i] > now - cfg_.offense_window_ms) {
      rec.offenses[keep] = rec.offenses[i];
      rec.offense_kinds[keep] = std::move(rec.offense_kinds[i]);
      ++keep;
    }
  rec.offenses.resize(keep);
  rec.offense_kinds.resize(keep);
  rec.offenses.push_back(now);
  rec.offense_kinds.emplace_back(kind);
  rec.incident_id = incident;

  const auto n = static_cast<std::uint32_t>(rec.offenses.size());
  std::string kinds;
  for (const auto& k : rec.offense_kinds)
    kinds += (kinds.empty() ? "" : ", ") + k;
  if (n >= cfg_.ban_after_offenses) {
    // A permanent ban is a human's call: hold the block until the approval deadline.
    rec.ban = ban_status::proposed;
    rec.ban_deadline_ms = now + cfg_.ban_approval_timeout_ms;
    ban_due_.emplace(rec.ban_deadline_ms, subject);
    const std::string lead =
        integer(n) + " offenses within " + duration(cfg_.offense_window_ms) + " (" + kinds + ")";
    block(rec, subject, rec.ban_deadline_ms,
          lead + "; blocked while a permanent ban waits for approval", ctx);
    emit_block(subject, "ban_proposed", cfg_.ban_approval_timeout_ms, rec.ban_deadline_ms, incident,
               lead + "; permanent ban proposed, waiting for a human's approval within " +
                   duration(cfg_.ban_approval_timeout_ms),
               ctx);
    return;
  }
  const double ttl = std::min(static_cast<double>(cfg_.max_block_ttl_ms),
                              static_cast<double>(cfg_.block_ttl_ms) *
                                  std::pow(cfg_.block_ttl_growth, static_cast<double>(n - 1)));
  const auto ttl_ms = static_cast<std::int64_t>(ttl);
  block(rec, subject, now + ttl_ms,
        std::string(kind) + "; offense " + integer(n) + " within " +
            duration(cfg_.offense_window_ms) + " (" + kinds + "), blocked for " + duration(ttl_ms) +
            "; a ban is proposed at " + integer(cfg_.ban_after_offenses),
        ctx);
}

void security_agent::end_proposal(subject_record& rec, const std::string& subject,
                                  const std::string& why, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  ban_due_.erase({rec.ban_deadline_ms, subject});
  rec.ban = ban_status::none;
  rec.ban_deadline_ms = 0;
  const std::int64_t last = rec.offenses.empty() ? now : rec.offenses.back();
  rec.offenses.clear();
  rec.offense_kinds.clear();
  emit_block(subject, "ban_rejected", 0, 0, rec.incident_id, why, ctx);
  // Back to an ordinary block from the last offense, which may already be over.
  const std::int64_t until = last + cfg_.block_ttl_ms;
  if (until > now) {
    block(rec, subject, until, "ban not approved; ordinary block until its end", ctx);
    return;
  }
  unblock_due_.erase({rec.blocked_until_ms, subject});
  rec.blocked_until_ms = 0;
  emit_block(subject, "unblock", 0, now, rec.incident_id, "ban not approved; block over", ctx);
}

void security_agent::on_ban_answer(std::string_view subject, bool approved,
                                   std::string_view approver, std::string_view reason,
                                   context& ctx) {
  const std::string s(subject);
  const auto it = state_.subjects.find(s);
  // An answer to nothing pending (unknown, already decided, timed out) changes nothing.
  if (it == state_.subjects.end() || it->second.ban != ban_status::proposed) return;
  auto& rec = it->second;
  const std::string by = approver.empty() ? std::string("unknown approver") : std::string(approver);
  const std::string because = reason.empty() ? std::string() : ": " + std::string(reason);
  if (!approved) {
    end_proposal(rec, s, "permanent ban rejected by " + by + because, ctx);
    return;
  }
  ban_due_.erase({rec.ban_deadline_ms, s});
  unblock_due_.erase({rec.blocked_until_ms, s});
  rec.ban = ban_status::banned;
  rec.ban_deadline_ms = 0;
  rec.blocked_until_ms = 0;
  rec.last_seen_ms = std::max(rec.last_seen_ms, ctx.event_time_ms());
  emit_block(s, "ban", 0, 0, rec.incident_id, "permanent ban approved by " + by + because, ctx);
}

void security_agent::expire(context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  while (!ban_due_.empty() && ban_due_.begin()->first <= now) {
    const std::string subject = ban_due_.begin()->second;
    auto& rec = state_.subjects[subject];
    end_proposal(rec, subject,
                 "no approval within " + duration(cfg_.ban_approval_timeout_ms) +
                     "; permanent ban dropped",
                 ctx);
  }
  while (!unblock_due_.empty() && unblock_due_.begin()->first <= now) {
    const auto [until, subject] = *unblock_due_.begin();
    unblock_due_.erase(unblock_due_.begin());
    auto& rec = state_.subjects[subject];
    rec.blocked_until_ms = 0;
    emit_block(subject, "unblock", 0, until, rec.incident_id, "block expired at " + integer(until),
               ctx);
  }
}

void security_agent::sweep(std::int64_t now) {
  const std::int64_t idle_before = now - cfg_.idle_forget_ms;
  for (auto* m : {&state_.ips, &state_.users})
    for (auto it = m->begin(); it != m->end();)
      it = it->second.last_seen_ms < idle_before ? m->erase(it) : std::next(it);
  for (auto it = state_.subjects.begin(); it != state_.subjects.end();) {
    const auto& r = it->second;
    const bool quiet = r.ban == ban_status::none && r.blocked_until_ms == 0 &&
                       (r.offenses.empty() || r.offenses.back() <= now - cfg_.offense_window_ms);
    it = quiet && r.last_seen_ms < idle_before ? state_.subjects.erase(it) : std::next(it);
  }
  // Bans are kept longest; subjects with a block in force or a pending ban are never evicted
  // (their count is bounded by the detections a bucket can raise).
  evict_oldest(state_.subjects, cfg_.max_subjects, [](const subject_record& r) {
    return r.ban == ban_status::none && r.blocked_until_ms == 0;
  });
  evict_oldest(state_.subjects, cfg_.max_subjects,
               [](const subject_record& r) { return r.ban == ban_status::banned; });
}

void security_agent::reindex() {
  unblock_due_.clear();
  ban_due_.clear();
  for (const auto& [subject, r] : state_.subjects) {
    if (r.ban == ban_status::proposed)
      ban_due_.emplace(r.ban_deadline_ms, subject);
    else if (r.ban == ban_status::none && r.blocked_until_ms != 0)
      unblock_due_.emplace(r.blocked_until_ms, subject);
  }
}

// ---------------------------------------------------------------------------------------
// Snapshots and creation
// ---------------------------------------------------------------------------------------

bytes security_agent::snapshot() const {
  return encode_state(state_);
}

bool security_agent::restore(const std::uint8_t* data, std::size_t size) {
  auto decoded = decode_state(data, size);
  if (!decoded) return false;
  state_ = std::move(*decoded);
  reindex();
  return true;
}

std::unique_ptr<agent> make_security_agent(const agent_settings& settings) {
  return std::make_unique<security_agent>(config_from(settings));
}

} // namespace aetherial::actors::security
