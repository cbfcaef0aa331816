#pragma once
// The state of one Security agent (one partition), as plain ordered data: the records kept
// per requester and per subject (rows of the agent's tables, actors/security/tables.hpp) and
// the small scalar rest (the snapshot). Owned by the agent; encoded by state_codec.hpp.

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "actors/security/rate_baseline.hpp"

namespace aetherial::actors::security {

/// Requests of one series in the current tumbling bucket, and the baseline of past buckets.
struct rate_series {
  std::int64_t bucket_start_ms = 0; ///< start of the current bucket; 0 = none yet
  std::uint64_t count = 0;          ///< requests (or sources) in the current bucket
  bool flagged = false;             ///< an anomaly was already raised for this bucket
  rate_baseline baseline;           ///< learned from completed buckets
};

/// What the agent remembers about one IP or one user.
struct requester_record {
  rate_series rate;
  std::deque<std::int64_t> failed_logins; ///< event times in order, within the window (bounded)
  std::int64_t last_seen_ms = 0;
};

/// Where a subject's permanent ban stands.
enum class ban_status : std::uint8_t {
  none = 0,     ///< no ban proposed
  proposed = 1, ///< waiting for a human's approval; the subject stays blocked meanwhile
  banned = 2,   ///< approved: blocked for good
};

/// Offenses, block and ban of one subject ("ip:203.0.113.9", "user:u-42").
struct subject_record {
  std::vector<std::int64_t> offenses;     ///< event times, within the offense window
  std::vector<std::string> offense_kinds; ///< the kind of each offense, same order
  std::int64_t blocked_until_ms = 0;      ///< end of the block in force; 0 = not blocked
  std::string incident_id;                ///< incident of the latest block or ban proposal
  ban_status ban = ban_status::none;
  std::int64_t ban_deadline_ms = 0; ///< a proposal not approved by then is rejected
  std::int64_t last_seen_ms = 0;
};

/// Site totals of this partition, for DDoS detection. The distinct IPs of the current bucket
/// are the rows of the "bucket_sources" table; `sources.count` is how many.
struct site_record {
  rate_series requests;      ///< requests per bucket
  rate_series sources;       ///< distinct IPs per bucket
  bool ddos_active = false;  ///< a DDoS incident is open (until a normal bucket)
  std::string ddos_incident; ///< its id
};

/// The scalar state of a Security agent (its snapshot); requesters and subjects are rows.
struct security_state {
  site_record site;
  std::int64_t watermark_ms = 0;  ///< the latest event time seen
  std::int64_t last_sweep_ms = 0; ///< event time of the last idle sweep
  std::uint64_t events = 0;       ///< events handled
  std::uint64_t ip_rows = 0;      ///< rows of the "ips" table
  std::uint64_t user_rows = 0;    ///< rows of the "users" table
};

} // namespace aetherial::actors::security
