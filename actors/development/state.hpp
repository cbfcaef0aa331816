#pragma once
// The state of a Development agent: what it remembers per repo, per deploy and per code
// request. Ordered containers only, so the same inputs always give the same outputs and the
// same snapshot bytes.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace aetherial::actors::development {

/// Results of one test on recent commits, for flip detection.
struct test_history {
  std::vector<std::string> commits; ///< oldest first, bounded
  std::vector<std::uint8_t> passed; ///< last result per commit (1 pass, 0 fail)
  std::uint32_t runs = 0;
  std::uint32_t flips = 0;
  std::uint32_t reported_flips = 0;
};

/// Failing tests sharing a normalized failure signature.
struct failure_cluster {
  std::vector<std::string> tests; ///< distinct test names, sorted, bounded
  std::uint32_t count = 0;        ///< failures seen
  std::string example;            ///< the first raw failure message
  std::int64_t last_seen_ms = 0;
  std::uint32_t reported_tests = 0; ///< distinct tests when last reported
};

/// A change under review: who wrote it, what it touches, who reviews it.
struct change_record {
  std::string author;
  std::vector<std::string> paths;
  std::string reviewer;
  std::int64_t requested_ms = 0;
};

/// What the agent knows about one repo (one service).
struct repo_state {
  std::map<std::string, test_history> tests;
  std::map<std::string, failure_cluster> clusters; ///< by signature
  /// Path prefix -> person -> how often they wrote or reviewed below it.
  std::map<std::string, std::map<std::string, std::uint32_t>> owners;
  std::map<std::string, change_record> changes;      ///< open reviews by change id
  std::map<std::string, std::uint32_t> open_reviews; ///< reviewer -> assignments open
  double baseline = 0.0;                             ///< EWMA of the error rate outside deploys
  std::uint32_t baseline_samples = 0;
};

/// Where a deploy stands.
enum class deploy_phase : std::uint8_t {
  testing = 0,   ///< waiting for the tests of the change
  approval = 1,  ///< tests passed, waiting for an approval
  deploying = 2, ///< gate open, deploy effect requested
  watching = 3,  ///< deployed; error rate compared with the baseline
  done = 4,      ///< finished (healthy, refused, failed or rolled back)
};

/// One deploy, from the task asking for it to the end of its watch.
struct deploy_record {
  std::string deploy_id;
  std::string service;
  std::string environment;
  std::string change_id;
  std::string commit;
  std::string task_id;
  std::string task_type;
  std::string conversation_id;
  std::string requested_by;
  deploy_phase phase = deploy_phase::testing;
  bool tests_passed = false;
  std::string approved_by;
  std::int64_t requested_ms = 0;
  std::int64_t watch_until_ms = 0;
  std::int64_t done_ms = 0;
  double baseline = 0.0;
  double worst = 0.0;
  std::uint32_t elevated_run = 0;
  bool recommended = false;
};

/// A code-writing task waiting for its code-generation effect.
struct code_request {
  std::string task_id;
  std::string task_type;
  std::string conversation_id;
  std::string requested_by;
  std::string service;
  std::string text;
  std::int32_t priority = 0;
  std::int64_t requested_ms = 0;
};

/// The whole state of one Development agent (one partition).
struct development_state {
  std::uint64_t events = 0;
  std::map<std::string, repo_state> repos;           ///< by repo / service
  std::map<std::string, deploy_record> deploys;      ///< by deploy id
  std::map<std::string, code_request> code_requests; ///< by effect id
};

} // namespace aetherial::actors::development
