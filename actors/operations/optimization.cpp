#include "actors/operations/optimization.hpp"

#include <cmath>
#include <vector>

#include "actors/operations/text.hpp"

namespace aetherial::actors::operations {

namespace {

bool plain_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return !(s[0] >= '0' && s[0] <= '9');
}

// An SQL identifier, quoted when it is not a plain one.
std::string sql_identifier(std::string_view s) {
  if (plain_identifier(s)) return std::string(s);
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

// A name made of identifier characters only, for the index name.
std::string name_part(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += ok ? c : '_';
  }
  return out;
}

// Mean of the measurements made after the recommendation.
double observed_mean(const optimization_target& t) {
  return t.after_count == 0 ? 0.0 : t.after_sum / t.after_count;
}

void emit_recommendation(optimization_target& t, const std::string& kind, const std::string& detail,
                         double baseline, const std::string& reason, context& ctx) {
  t.recommended = true;
  t.recommendation_id = kind + ":" + t.service + ":" + t.target;
  t.recommended_ms = ctx.event_time_ms();
  t.baseline = baseline;
  auto& b = ctx.builder();
  const auto payload = fbs::CreateRecommendationDirect(
      b, t.recommendation_id.c_str(), t.service.c_str(), kind.c_str(), t.target.c_str(),
      detail.c_str(), baseline, reason.c_str());
  ctx.emit(output::decisions, t.service, fbs::Payload::Recommendation, payload.Union(),
           t.recommendation_id);
}

void emit_verdict(optimization_target& t, bool effective, double observed,
                  const std::string& reason, context& ctx) {
  t.judged = true;
  auto& b = ctx.builder();
  const auto payload =
      fbs::CreateRecommendationVerdictDirect(b, t.recommendation_id.c_str(), t.service.c_str(),
                                             effective, t.baseline, observed, reason.c_str());
  ctx.emit(output::decisions, t.service, fbs::Payload::RecommendationVerdict, payload.Union(),
           t.recommendation_id);
}

// Query durations: lower is better.
void judge_query(optimization_target& t, const optimization_config& cfg, context& ctx) {
  const std::int64_t waited = ctx.event_time_ms() - t.recommended_ms;
  if (t.after_count == 0) {
    emit_verdict(t, true, 0.0,
                 "no slow query on " + t.target + " in the " + integer(waited / 1000) +
                     " s after the index recommendation (baseline mean " + fixed(t.baseline, 1) +
                     " ms)",
                 ctx);
    return;
  }
  const double observed = observed_mean(t);
  const double improvement = t.baseline > 0.0 ? (t.baseline - observed) / t.baseline : 0.0;
  const bool effective = improvement >= cfg.effective_improvement;
  emit_verdict(t, effective, observed,
               "mean query time on " + t.target + " " + fixed(observed, 1) + " ms over " +
                   integer(t.after_count) + " samples vs baseline " + fixed(t.baseline, 1) +
                   " ms: " + fixed(improvement * 100.0, 1) + "% better, " +
                   (effective ? "at least " : "below ") +
                   fixed(cfg.effective_improvement * 100.0, 0) + "% required",
               ctx);
}

// Cache hit ratios: judged on the miss ratio, lower is better.
void judge_cache(optimization_target& t, const optimization_config& cfg, context& ctx) {
  if (t.after_count == 0) {
    emit_verdict(t, false, 0.0,
                 "no statistics of cache " + t.target +
                     " since the recommendation: cannot "
                     "show an improvement over hit ratio " +
                     fixed(t.baseline, 3),
                 ctx);
    return;
  }
  const double observed = observed_mean(t);
  const double base_miss = 1.0 - t.baseline;
  const double miss = 1.0 - observed;
  const double improvement = base_miss > 0.0 ? (base_miss - miss) / base_miss : 0.0;
  const bool effective = improvement >= cfg.effective_improvement;
  emit_verdict(t, effective, observed,
               "cache " + t.target + " hit ratio " + fixed(observed, 3) + " over " +
                   integer(t.after_count) + " samples vs baseline " + fixed(t.baseline, 3) +
                   ": miss ratio " + fixed(base_miss, 3) + " -> " + fixed(miss, 3) + ", " +
                   fixed(improvement * 100.0, 1) + "% better, " +
                   (effective ? "at least " : "below ") +
                   fixed(cfg.effective_improvement * 100.0, 0) + "% required",
               ctx);
}

// Adds a measurement to a recommended target; true when enough are in for a verdict.
bool measure_after(optimization_target& t, const optimization_config& cfg, double value,
                   std::int64_t now) {
  if (t.judged || now - t.recommended_ms < cfg.verdict_grace_ms) return false;
  ++t.after_count;
  t.after_sum += value;
  return t.after_count >= std::max<std::uint32_t>(cfg.verdict_samples, 1);
}

// The target `name` of `service` in `targets`, created on first sight.
optimization_target& target_of(std::map<std::string, optimization_target>& targets,
                               const std::string& service, const std::string& name) {
  auto& t = targets[service + "|" + name];
  if (t.target.empty()) {
    t.service = service;
    t.target = name;
  }
  return t;
}

} // namespace

void expire_recommendations(optimization_state& s, const optimization_config& cfg, context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  for (auto& [key, t] : s.queries)
    if (t.recommended && !t.judged && now - t.recommended_ms > cfg.verdict_window_ms)
      judge_query(t, cfg, ctx);
  for (auto& [key, t] : s.caches)
    if (t.recommended && !t.judged && now - t.recommended_ms > cfg.verdict_window_ms)
      judge_cache(t, cfg, ctx);
}

void on_slow_query(optimization_state& s, const optimization_config& cfg,
                   const fbs::SlowQuery& query, context& ctx) {
  const std::string service(view(query.service()));
  const std::string table(view(query.table_name()));
  const double duration = query.duration_ms();
  if (service.empty() || table.empty() || !std::isfinite(duration) || duration < 0.0) return;
  std::vector<std::string> columns;
  if (query.filter_columns())
    for (const auto* c : *query.filter_columns()) {
      const std::string col(view(c));
      if (col.empty()) continue;
      bool seen = false;
      for (const auto& x : columns)
        seen = seen || x == col;
      if (!seen) columns.push_back(col);
    }
  if (columns.empty()) return; // nothing an index could use

  std::string target = table + "(";
  for (std::size_t i = 0; i < columns.size(); ++i)
    target += (i ? "," : "") + columns[i];
  target += ")";
  auto& t = target_of(s.queries, service, target);
  const std::int64_t now = ctx.event_time_ms();
  if (t.recommended) {
    if (measure_after(t, cfg, duration, now)) judge_query(t, cfg, ctx);
    return;
  }
  ++t.observations;
  t.sum += duration;
  t.extra_sum += static_cast<double>(query.rows_examined());
  const double mean = t.sum / t.observations;
  if (t.observations < cfg.index_min_occurrences || mean < cfg.index_min_mean_ms) return;

  std::string index_name = "idx_" + name_part(table);
  std::string column_list;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    index_name += "_" + name_part(columns[i]);
    column_list += (i ? ", " : "") + sql_identifier(columns[i]);
  }
  const std::string detail = "CREATE INDEX " + sql_identifier(index_name) + " ON " +
                             sql_identifier(table) + " (" + column_list + ");";
  const std::string reason = integer(t.observations) + " slow queries on " + target +
                             " averaging " + fixed(mean, 1) + " ms (threshold " +
                             fixed(cfg.index_min_mean_ms, 0) + " ms) and " +
                             fixed(t.extra_sum / t.observations, 0) +
                             " rows examined; an index on the filter columns "
                             "avoids the scan";
  emit_recommendation(t, "index", detail, mean, reason, ctx);
}

void on_cache_stats(optimization_state& s, const optimization_config& cfg,
                    const fbs::CacheStats& stats, context& ctx) {
  const std::string service(view(stats.service()));
  const std::string cache(view(stats.cache()));
  const double hit = stats.hit_ratio();
  if (service.empty() || cache.empty() || !std::isfinite(hit) || hit < 0.0 || hit > 1.0) return;
  auto& t = target_of(s.caches, service, cache);
  const std::int64_t now = ctx.event_time_ms();
  if (t.recommended) {
    if (measure_after(t, cfg, hit, now)) judge_cache(t, cfg, ctx);
    return;
  }
  if (hit >= cfg.cache_low_hit_ratio) {
    t.streak = 0;
    t.sum = t.extra_sum = t.memory_sum = 0.0;
    return;
  }
  ++t.observations;
  ++t.streak;
  t.sum += hit;
  t.extra_sum += std::isfinite(stats.evictions_per_s()) ? stats.evictions_per_s() : 0.0;
  t.memory_sum += std::isfinite(stats.memory_utilization()) ? stats.memory_utilization() : 0.0;
  if (t.streak < std::max<std::uint32_t>(cfg.cache_min_low_samples, 1)) return;

  const double mean_hit = t.sum / t.streak;
  const double evictions = t.extra_sum / t.streak;
  const double memory = t.memory_sum / t.streak;
  const bool needs_size =
      memory >= cfg.cache_full_memory || evictions >= cfg.cache_high_evictions_per_s;
  const std::string detail = needs_size
                                 ? "increase the size of cache " + cache + " (memory " +
                                       fixed(memory * 100.0, 0) + "% used, " + fixed(evictions, 1) +
                                       " evictions/s): entries are evicted before they are reused"
                                 : "increase the TTL of cache " + cache + " (memory " +
                                       fixed(memory * 100.0, 0) + "% used, " + fixed(evictions, 1) +
                                       " evictions/s): entries expire before they are reused";
  const std::string reason = "hit ratio of cache " + cache + " on " + service + " averaged " +
                             fixed(mean_hit, 3) + " over " + integer(t.streak) +
                             " consecutive samples, below " + fixed(cfg.cache_low_hit_ratio, 2);
  emit_recommendation(t, "cache", detail, mean_hit, reason, ctx);
}

} // namespace aetherial::actors::operations
