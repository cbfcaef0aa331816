#pragma once
// Continuous optimization: slow queries lead to index recommendations, caches with a low hit
// ratio to size or TTL recommendations; each recommendation is judged later from the same
// target's measurements against the baseline it was made on.

#include "actors/agent.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/state.hpp"

namespace aetherial::actors::operations {

/// Judges recommendations whose verdict window has passed at the event time.
void expire_recommendations(optimization_state& s, const optimization_config& cfg, context& ctx);

/// Folds a slow query in; recommends an index once, judges one already recommended.
void on_slow_query(optimization_state& s, const optimization_config& cfg,
                   const fbs::SlowQuery& query, context& ctx);

/// Folds cache statistics in; recommends a cache change once, judges one already recommended.
void on_cache_stats(optimization_state& s, const optimization_config& cfg,
                    const fbs::CacheStats& stats, context& ctx);

} // namespace aetherial::actors::operations
