// Test results: failure clusters by normalized signature, and flaky tests.

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "actors/development/development_agent.hpp"
#include "actors/development/emit.hpp"
#include "actors/development/signature.hpp"
#include "actors/kit/containers.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

void development_agent::on_test_result(repo_state& repo, const std::string& repo_name,
                                       const fbs::DevEvent& e, context& ctx) {
  const std::string test = str(e.test_name());
  if (test.empty()) return;
  const std::string commit = str(e.commit());
  const bool passed = e.passed();
  const auto& tc = cfg_.testing;

  // Flaky: the same test on the same commit both passes and fails.
  auto it = repo.tests.find(test);
  if (it == repo.tests.end() && repo.tests.size() < tc.max_tests)
    it = repo.tests.emplace(test, test_history{}).first;
  if (it != repo.tests.end() && !commit.empty()) {
    auto& h = it->second;
    ++h.runs;
    const auto c = std::find(h.commits.begin(), h.commits.end(), commit);
    if (c != h.commits.end()) {
      auto& last = h.passed[static_cast<std::size_t>(c - h.commits.begin())];
      if ((last == 1) != passed) ++h.flips;
      last = passed ? 1 : 0;
    } else {
      h.commits.push_back(commit);
      h.passed.push_back(passed ? 1 : 0);
      if (h.commits.size() > tc.commits_per_test) {
        h.commits.erase(h.commits.begin());
        h.passed.erase(h.passed.begin());
      }
    }
    if (h.flips >= tc.flaky_min_flips && h.flips > 0 &&
        (h.reported_flips == 0 || h.flips >= 2 * h.reported_flips)) {
      h.reported_flips = h.flips;
      auto& b = ctx.builder();
      const auto p = fbs::CreateFlakyTestDirect(
          b, test.c_str(), static_cast<std::int32_t>(h.flips), static_cast<std::int32_t>(h.runs),
          static_cast<double>(h.flips) / static_cast<double>(std::max<std::uint32_t>(h.runs, 1)));
      ctx.emit(output::decisions, repo_name, fbs::Payload::FlakyTest, p.Union());
    }
  }
  if (passed) return;

  // Clustering by normalized failure signature.
  const std::string message = str(e.failure_message());
  const std::string signature =
      failure_signature(message.empty() ? "(no message)" : message, tc.signature_length);
  auto cit = repo.clusters.find(signature);
  if (cit == repo.clusters.end()) {
    if (repo.clusters.size() >= tc.max_clusters) {
      // Forget the cluster seen least recently (first in key order among equals).
      repo.clusters.erase(kit::least_recent(
          repo.clusters, [](const failure_cluster& c) { return c.last_seen_ms; }));
    }
    cit = repo.clusters.emplace(signature, failure_cluster{}).first;
    cit->second.example = message;
  }
  auto& cl = cit->second;
  ++cl.count;
  cl.last_seen_ms = ctx.event_time_ms();
  const auto pos = std::lower_bound(cl.tests.begin(), cl.tests.end(), test);
  if ((pos == cl.tests.end() || *pos != test) && cl.tests.size() < tc.max_cluster_tests)
    cl.tests.insert(pos, test);
  if (cl.tests.size() >= tc.cluster_min_tests && cl.tests.size() > cl.reported_tests) {
    cl.reported_tests = static_cast<std::uint32_t>(cl.tests.size());
    auto& b = ctx.builder();
    std::vector<flatbuffers::Offset<flatbuffers::String>> names;
    for (const auto& t : cl.tests)
      names.push_back(b.CreateString(t));
    const auto p = fbs::CreateFailureClusterDirect(
        b, signature.c_str(), &names, static_cast<std::int32_t>(cl.count), cl.example.c_str());
    ctx.emit(output::decisions, repo_name, fbs::Payload::FailureCluster, p.Union());
  }
}

} // namespace aetherial::actors::development
