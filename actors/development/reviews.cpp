// Review assignment by learned path ownership, and approvals (of reviews and deploys).

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

namespace {

/// Records that `who` wrote or reviewed below every prefix of `paths`.
void learn_ownership(repo_state& repo, const review_config& c,
                     const std::vector<std::string>& paths, const std::string& who) {
  if (who.empty()) return;
  for (const auto& path : paths)
    for (const auto& prefix : path_prefixes(path)) {
      auto it = repo.owners.find(prefix);
      if (it == repo.owners.end()) {
        if (repo.owners.size() >= c.max_prefixes) continue;
        it = repo.owners.emplace(prefix, std::map<std::string, std::uint32_t>{}).first;
      }
      ++it->second[who];
    }
}

} // namespace

void development_agent::on_approval(repo_state& repo, const std::string& repo_name,
                                    const fbs::DevEvent& e, context& ctx) {
  std::string approver = str(e.author_ref());
  if (approver.empty() && e.paths() && e.paths()->size() > 0) approver = str(e.paths()->Get(0));
  approver = person(approver);
  if (approver.empty()) return;
  const std::string change = str(e.change_id());
  const std::string deploy_id = str(e.deploy_id());

  // An approved review teaches ownership and closes the assignment.
  if (!change.empty()) {
    if (const auto it = repo.changes.find(change); it != repo.changes.end()) {
      learn_ownership(repo, cfg_.review, it->second.paths, approver);
      if (const auto o = repo.open_reviews.find(it->second.reviewer); o != repo.open_reviews.end())
        if (--o->second == 0) repo.open_reviews.erase(o);
      repo.changes.erase(it);
    }
  }

  for (auto& [id, d] : state_.deploys) {
    if (d.phase != deploy_phase::testing && d.phase != deploy_phase::approval) continue;
    const bool ours = !deploy_id.empty()
                          ? deploy_id == d.deploy_id
                          : d.service == repo_name && !change.empty() && change == d.change_id;
    if (!ours || !d.approved_by.empty()) continue;
    if (approver == person(d.requested_by)) {
      reply(ctx, d.conversation_id,
            "An approval of your own deploy does not count; someone else must approve.",
            fbs::ReplyStatus::pending, "development.deploy");
      continue;
    }
    d.approved_by = approver;
    if (d.phase == deploy_phase::testing)
      reply(ctx, d.conversation_id, "Approved by " + approver + ". Waiting for the tests.",
            fbs::ReplyStatus::pending, "development.deploy");
    evaluate_gate(d, ctx);
  }
}

void development_agent::on_review_requested(repo_state& repo, const std::string& repo_name,
                                            const fbs::DevEvent& e, context& ctx) {
  const std::string change = str(e.change_id());
  if (change.empty() || repo.changes.count(change) > 0) return;
  const std::string author = person(str(e.author_ref()));
  std::vector<std::string> paths;
  if (e.paths())
    for (const auto* p : *e.paths())
      if (p) paths.push_back(p->str());
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());

  // Ownership score: deeper prefixes weigh more; the author never reviews their own change.
  std::map<std::string, double> score;
  std::map<std::string, std::string> best_prefix; // deepest prefix that made the person count
  for (const auto& path : paths) {
    const auto prefixes = path_prefixes(path);
    for (std::size_t k = 0; k < prefixes.size(); ++k) {
      const auto it = repo.owners.find(prefixes[k]);
      if (it == repo.owners.end()) continue;
      for (const auto& [who, n] : it->second) {
        if (who == author) continue;
        score[who] += static_cast<double>(k + 1) * n;
        best_prefix[who] = prefixes[k];
      }
    }
  }
  std::string reviewer;
  std::string reason;
  if (score.empty()) {
    reviewer = cfg_.review.fallback_reviewer;
    reason = "no ownership history for the touched paths";
  } else {
    // Highest score; then fewer open reviews; then the name, so ties never depend on order
    // of arrival.
    const auto open = [&](const std::string& who) {
      const auto it = repo.open_reviews.find(who);
      return it == repo.open_reviews.end() ? 0u : it->second;
    };
    auto best = score.begin();
    for (auto it = std::next(score.begin()); it != score.end(); ++it) {
      if (it->second > best->second ||
          (it->second == best->second && open(it->first) < open(best->first)))
        best = it;
    }
    reviewer = best->first;
    reason = "owns " + best_prefix[reviewer] + " (ownership score " + kit::fixed(best->second, 0) +
             ", " + kit::integer(open(reviewer)) + " open reviews)";
  }
  auto& b = ctx.builder();
  const auto p =
      fbs::CreateReviewAssignmentDirect(b, change.c_str(), reviewer.c_str(), reason.c_str());
  ctx.emit(output::decisions, repo_name, fbs::Payload::ReviewAssignment, p.Union());

  ++repo.open_reviews[reviewer];
  if (repo.changes.size() >= cfg_.review.max_changes) {
    const auto oldest =
        kit::least_recent(repo.changes, [](const change_record& c) { return c.requested_ms; });
    if (const auto o = repo.open_reviews.find(oldest->second.reviewer);
        o != repo.open_reviews.end() && --o->second == 0)
      repo.open_reviews.erase(o);
    repo.changes.erase(oldest);
  }
  repo.changes[change] = change_record{author, paths, reviewer, ctx.event_time_ms()};
  learn_ownership(repo, cfg_.review, paths, author);
}

} // namespace aetherial::actors::development
