// Rate anomalies: per-subject request rates and the site-wide DDoS check, against learned
// baselines.

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "actors/security/detection.hpp"
#include "actors/security/security_agent.hpp"
#include "actors/security/signatures.hpp"
#include "actors/security/text.hpp"

namespace aetherial::actors::security {

namespace {

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

} // namespace

void security_agent::count_request(requester_slot& slot, const kit::expiry_index& index,
                                   std::uint64_t& rows, const baseline_config& cfg,
                                   std::int64_t now, table_store& tables) {
  const bool created = !slot.record;
  auto& rec = created ? slot.record.emplace() : *slot.record;
  roll(rec.rate, cfg, cfg_.bucket_ms, now);
  ++rec.rate.count;
  rec.last_seen_ms = std::max(rec.last_seen_ms, now);
  while (!rec.failed_logins.empty() &&
         rec.failed_logins.front() <= now - cfg_.brute_force_window_ms)
    rec.failed_logins.pop_front();
  if (created) {
    ++rows;
    index.file(tables, slot.key(), forget_at(rec, cfg_));
  }
}

void security_agent::count_source(std::string_view ip, table_store& tables) {
  if (state_.site.sources.count >= cfg_.max_bucket_sources) return;
  if (tables.get(bucket_sources_table, ip)) return;
  tables.put(bucket_sources_table, ip, {});
  ++state_.site.sources.count;
}

void security_agent::roll_site(std::int64_t now, table_store& tables) {
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
    for (const auto& ip : keys_of(tables, bucket_sources_table))
      tables.erase(bucket_sources_table, ip);
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

  const std::string share = cfg_.partitions > 1
                                ? " (this partition's share, 1/" + integer(cfg_.partitions) + ")"
                                : std::string();
  // One decision per signal that fired: `what` was counted in `series`, `z` off its baseline.
  const auto decide = [&](const char* subject, const rate_series& series, const char* what,
                          const baseline_config& bc, double z) {
    const std::string reason = integer(series.count) + what + " in the bucket vs " +
                               baseline_text(series, bc) + share + ", z " + fixed(z, 1);
    auto p =
        fbs::CreateAnomalyDecisionDirect(ctx.builder(), subject, static_cast<double>(series.count),
                                         anomaly_score(z, bc.z_threshold), 0.5, reason.c_str());
    ctx.emit(output::decisions, "site", fbs::Payload::AnomalyDecision, p.Union(), id);
  };
  if (by_rate) decide("site/requests", site.requests, " requests", rb, zr);
  if (by_sources) decide("site/sources", site.sources, " distinct sources", sb, zs);

  // Heavy hitters of the bucket: the sources worth blocking (a surge of many small sources
  // has none, and is left to the edge's challenge or upstream scrubbing).
  std::vector<std::pair<std::uint64_t, std::string>> hitters;
  const double floor_count = cfg_.ddos_heavy_hitter_share * requests;
  auto& tables = ctx.tables();
  for (auto& ip : keys_of(tables, bucket_sources_table)) {
    const requester_slot slot(tables, ips_table, ip);
    if (!slot.record) continue;
    const auto& rate = slot.record->rate;
    if (rate.bucket_start_ms == site.requests.bucket_start_ms &&
        static_cast<double>(rate.count) >= floor_count && rate.count >= 2)
      hitters.emplace_back(rate.count, std::move(ip));
  }
  std::sort(hitters.begin(), hitters.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
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
      evidence += " " + hitters[i].second + " (" +
                  integer(static_cast<std::int64_t>(hitters[i].first)) + ")";
  }
  detection d{
      "ddos",   fbs::Severity::critical,
      "site",   std::max(anomaly_score(zr, rb.z_threshold), anomaly_score(zs, sb.z_threshold)),
      evidence, id};
  raise(d, ctx);
  for (const auto& [count, ip] : hitters) {
    const std::string subject = ip_subject(ip);
    if (!held(subject, ctx)) offend(subject, "ddos", id, ctx);
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

} // namespace aetherial::actors::security
