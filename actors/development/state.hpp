#pragma once
// The state of a Development agent: what it remembers per repo (rows of its tables), per
// deploy and per code request. Ordered containers only, so the same inputs always give the same
// outputs and the same snapshot bytes. Records stored as they are are the native types of
// schemas/state/development.fbs (fields documented there).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "schemas/state/development_generated.h"

namespace aetherial::actors::development {

/// The stored form of the state (schemas/state/development.fbs).
namespace stored = ::aetherial::state::development;

/// Results of one test on recent commits, for flip detection (a row of "tests").
using test_history = stored::TestHistoryT;
/// Failing tests sharing a normalized failure signature (a row of "clusters").
using failure_cluster = stored::FailureClusterT;

/// A change under review: who wrote it, what it touches, who reviews it (a row of "changes").
struct change_record {
  std::string author;
  std::vector<std::string> paths;
  std::string reviewer;
  std::int64_t requested_ms = 0;
};

/// Who wrote or reviewed below one path prefix of a repo (a row of "owners").
struct owner_record {
  std::map<std::string, std::uint32_t> people; ///< person -> how often
  std::int64_t last_ms = 0;                    ///< event time of the latest write or review
};

/// What the agent keeps per repo (one service) besides the rows of its tests, clusters, owners
/// and changes (a row of "repos").
struct repo_state {
  std::map<std::string, std::uint32_t> open_reviews; ///< reviewer -> assignments open
  double baseline = 0.0;                             ///< EWMA of the error rate outside deploys
  std::uint32_t baseline_samples = 0;
};

/// Where a deploy stands.
using deploy_phase = stored::DeployPhase;
/// One deploy, from the task asking for it to the end of its watch.
using deploy_record = stored::DeployRecordT;
/// A code-writing task waiting for its code-generation effect.
using code_request = stored::CodeRequestT;

/// The scalar state of one Development agent (one partition); what grows with the platform
/// is in its tables (actors/development/tables.hpp).
struct development_state {
  std::uint64_t events = 0;
  std::map<std::string, deploy_record> deploys;      ///< by deploy id
  std::map<std::string, code_request> code_requests; ///< by effect id
  std::int64_t watermark_ms = 0; ///< highest event time seen: the clock of the tables' expiry
};

} // namespace aetherial::actors::development
