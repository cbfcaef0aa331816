#pragma once
// The whole state of one Analytics agent (one partition), as plain ordered data.
// Owned by the agent; encoded by state_codec.hpp. Users, sessions and tenants appear only as
// keyed hashes (keyed_hash.hpp): no raw reference is ever stored. Feature, experiment and
// variant names are kept with any personal data in them masked (actors/kit/redact.hpp). Every
// container whose order can reach an output is ordered.

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "actors/analytics/hyperloglog.hpp"

namespace aetherial::actors::analytics {

/// Days after the first one that retention follows (day 0 .. day 30).
inline constexpr std::size_t retention_days = 31;

/// A Space-Saving counter: `count` over-estimates the true count by at most `error`.
struct feature_counter {
  std::uint64_t count = 0;
  std::uint64_t error = 0;
};

/// One UTC day of a tenant's activity.
struct day_stats {
  hyperloglog users;                               ///< distinct users of the day
  std::uint64_t events = 0;                        ///< activity events of the day
  std::map<std::string, feature_counter> features; ///< top features (Space-Saving)
  std::uint32_t peak_sessions = 0;                 ///< most sessions active at once
  std::int64_t peak_ms = 0;                        ///< event time the peak was reached
};

/// What the agent remembers about one (hashed) user, for cohorts.
struct user_record {
  std::int32_t first_day = 0;           ///< cohort: day of signup or first activity
  std::int32_t last_day = 0;            ///< latest day with activity
  std::uint64_t active_days = 0;        ///< bit k: active on first_day + k
  std::uint64_t first_day_features = 0; ///< bit f: used cohort feature f on its first day
};

/// First-day use of one feature in a cohort, and how many of those users came back.
struct feature_retention {
  std::uint64_t users = 0;    ///< cohort users who used the feature on their first day
  std::uint64_t returned = 0; ///< ... and were active again the next day
};

/// The users first seen on one day.
struct cohort_stats {
  std::array<std::uint64_t, retention_days> active{};  ///< [k]: active on day k; [0] = size
  std::map<std::uint32_t, feature_retention> features; ///< by cohort feature index
};

/// Users and conversions of one variant of an experiment.
struct variant_stats {
  std::string name;
  std::uint64_t users = 0;
  std::uint64_t conversions = 0;
};

/// One A/B experiment: its variants and its members (hashed) with their assignment.
struct experiment_record {
  std::vector<variant_stats> variants; ///< in order of first appearance
  // Members are rows of the "members" table (tables.hpp): variant index (low 7 bits) | 0x80
  // once converted.
  std::uint64_t not_enrolled = 0; ///< users seen after the member cap was reached
  std::int64_t last_seen_ms = 0;
};

/// Everything known about one tenant (site).
struct tenant_state {
  /// By UTC day number: rows of the "days" table (tables.hpp), kept decoded while the agent
  /// lives (at most history_days per tenant) and loaded again after a restore.
  std::map<std::int32_t, day_stats> days;
  /// By cohort day: rows of the "cohorts" table, likewise.
  std::map<std::int32_t, cohort_stats> cohorts;
  /// Days and cohorts changed (or dropped) since the agent last wrote its rows back: what its
  /// next flush writes. Not state: a flush empties them, and a restore starts without.
  std::set<std::int32_t> changed_days;
  std::set<std::int32_t> changed_cohorts;
  std::vector<std::string> cohort_features; ///< feature index -> name (bounded)
  /// Sessions active: rows of the "sessions" table (tables.hpp), ordered by last event time in
  /// "sessions.order".
  std::uint64_t active_sessions = 0;
  std::map<std::string, experiment_record> experiments;
  std::int64_t watermark_ms = 0; ///< latest event time seen
  std::uint64_t events = 0;
  /// Not state: in an answer across partitions (gather.hpp), how many partitions held part of
  /// the tenant. Above 1, a day's peak concurrency is the busiest partition's, a lower bound.
  std::uint32_t merged_parts = 1;
};

/// The whole state of an Analytics agent.
struct analytics_state {
  /// By tenant pseudonym (`tenant_pseudonym`): the keyed hash of the name, never the name.
  std::map<std::string, tenant_state> tenants;
  std::uint64_t events = 0;      ///< events handled
  bool refusal_reported = false; ///< refusing: the one report about it was emitted
};

} // namespace aetherial::actors::analytics
