#pragma once
// Every threshold of the Security agent, each documented beside its default.
// Owned by actors/security; copied into an agent when it is created and never changed while
// the agent lives. Config is not state: it is not part of a snapshot.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::security {

/// A streaming baseline of per-bucket counts: EWMA mean and variance, warm-up, threshold.
struct baseline_config {
  double alpha = 0.1;               ///< EWMA weight of the newest completed bucket
  std::uint32_t warmup_buckets = 5; ///< completed buckets before the baseline may score
  double min_stddev = 2.0;          ///< floor of the standard deviation (counts are noisy)
  /// z-score at which a bucket is anomalous; the [0,1] score is z² / (z² + z_threshold²),
  /// so a score of 0.5 is exactly the threshold.
  double z_threshold = 4.0;
  /// Completed buckets missing since the last one are fed as zeros up to this many; a longer
  /// silence restarts the baseline's warm-up (the old level says nothing any more).
  std::uint32_t max_gap_buckets = 120;
};

/// Configuration of the Security agent.
struct security_config {
  /// Number of partitions of platform.requests. Requests are keyed by IP, so each partition
  /// sees about 1/partitions of the site's traffic; absolute site-wide limits are divided by
  /// this. Setting "security.partitions".
  std::uint32_t partitions = 1;

  // Rates, by event time in tumbling buckets.
  std::int64_t bucket_ms = 60'000; ///< length of a rate bucket (requests per minute)
  baseline_config ip_baseline;     ///< per-IP requests per bucket
  baseline_config user_baseline;   ///< per-user requests per bucket
  baseline_config site_baseline{0.05, 10, 20.0, 5.0, 240};  ///< partition total per bucket
  baseline_config source_baseline{0.05, 10, 5.0, 5.0, 240}; ///< distinct IPs per bucket
  /// Requests per bucket from one IP or user that are anomalous whatever its baseline (also
  /// during warm-up).
  std::uint32_t subject_hard_limit = 600;
  /// A baseline anomaly needs at least this many requests in the bucket.
  std::uint32_t subject_min_requests = 30;

  // DDoS, on the partition's totals.
  /// Site-wide requests per bucket below which no total-rate DDoS is declared (divided by
  /// `partitions` per partition).
  std::uint64_t ddos_min_site_requests = 6'000;
  /// Site-wide distinct IPs per bucket below which no source surge is declared (divided by
  /// `partitions` per partition).
  std::uint64_t ddos_min_site_sources = 500;
  /// IPs sending at least this share of a DDoS bucket's requests are blocked.
  double ddos_heavy_hitter_share = 0.02;
  std::uint32_t ddos_max_blocks = 20;         ///< at most this many heavy hitters blocked per DDoS
  std::uint32_t max_bucket_sources = 200'000; ///< distinct IPs remembered per bucket

  // Brute force: failed logins in a sliding event-time window.
  std::int64_t brute_force_window_ms = 5 * 60'000; ///< sliding window length
  std::uint32_t brute_force_ip_failures = 10;      ///< failures from one IP in the window
  std::uint32_t brute_force_user_failures = 5;     ///< failures against one user in the window

  // Blocks and bans.
  std::int64_t block_ttl_ms = 15 * 60'000;         ///< first block of a subject
  double block_ttl_growth = 4.0;                   ///< each further offense multiplies the TTL
  std::int64_t max_block_ttl_ms = 24 * 3'600'000;  ///< cap of a temporary block
  std::uint32_t ban_after_offenses = 3;            ///< offenses in the window: propose a ban
  std::int64_t offense_window_ms = 24 * 3'600'000; ///< offenses older than this are forgotten
  /// A proposed ban nobody approves within this long is rejected (and the block lapses).
  std::int64_t ban_approval_timeout_ms = 72 * 3'600'000;
  /// Roles whose verified holders may approve a permanent ban (setting
  /// "security.ban_approver_roles", comma-separated).
  std::vector<std::string> ban_approver_roles{"admin", "security"};

  // Signatures.
  std::uint32_t max_param_bytes = 4'096; ///< a parameter is inspected up to this length
  std::uint32_t evidence_bytes = 96;     ///< at most this much of a matched value in evidence

  // Bounded tables, with deterministic eviction (least recently seen, then by key).
  std::uint32_t max_ips = 1'000'000;   ///< IP rows per partition
  std::uint32_t max_users = 1'000'000; ///< user rows per partition
  /// Requesters idle this long are forgotten; so are subjects as idle with no block in force,
  /// no ban pending and no offense within the offense window.
  std::int64_t idle_forget_ms = 6 * 3'600'000;
};

/// Name of the agent kind: the prefix of its settings ("<kind>.<name>") and the emitter name
/// in derived event ids.
inline constexpr std::string_view kind_name = "security";
/// Where the agent sends, and reads back, the account part of each request (keyed by account).
inline constexpr std::string_view repartition_topic = "aetherial.repartition";

/// The defaults with the "security." settings applied; a bad value keeps its default
/// (`check_settings` reports it).
[[nodiscard]] security_config config_from(const agent_settings& settings);

/// Bad values and unknown keys among the "security." settings; empty when they are fine.
[[nodiscard]] std::vector<std::string> check_settings(const agent_settings& settings);

} // namespace aetherial::actors::security
