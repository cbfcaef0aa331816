// Test results: failure clusters by normalized signature, and flaky tests.

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "actors/development/development_agent.hpp"
#include "actors/development/emit.hpp"
#include "actors/development/signature.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

void development_agent::on_test_result(const std::string& repo_name, const fbs::DevEvent& e,
                                       context& ctx) {
  const std::string test = str(e.test_name());
  if (test.empty()) return;
  const std::string commit = str(e.commit());
  const bool passed = e.passed();
  const auto& tc = cfg_.testing;
  auto& tables = ctx.tables();
  const std::int64_t now = ctx.event_time_ms();

  // Flaky: the same test on the same commit both passes and fails.
  const auto test_key = row_key(repo_name, test);
  if (test_key && !commit.empty()) {
    test_slot slot(tables, tests_table, *test_key);
    const bool created = !slot.record;
    auto& h = created ? slot.record.emplace() : *slot.record;
    h.last_ms = created ? now : std::max(h.last_ms, now);
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
    slot.save();
    // Filed once, when the test is new: an entry taken before the test is idle is filed
    // again at its real time.
    if (created) tests_expiry_.file(tables, *test_key, forget_at(h, cfg_));
  }
  if (passed) return;

  // Clustering by normalized failure signature.
  const std::string message = str(e.failure_message());
  const std::string signature =
      failure_signature(message.empty() ? "(no message)" : message, tc.signature_length);
  const auto cluster_key = row_key(repo_name, signature);
  if (!cluster_key) return;
  cluster_slot slot(tables, clusters_table, *cluster_key);
  const bool created = !slot.record;
  auto& cl = created ? slot.record.emplace() : *slot.record;
  if (created) cl.example = message;
  ++cl.count;
  cl.last_seen_ms = created ? now : std::max(cl.last_seen_ms, now);
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
  slot.save();
  if (created) clusters_expiry_.file(tables, *cluster_key, forget_at(cl, cfg_));
}

} // namespace aetherial::actors::development
