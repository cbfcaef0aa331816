// Review assignment by learned path ownership, and approvals (of reviews and deploys).

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/development/development_agent.hpp"
#include "actors/development/emit.hpp"
#include "actors/development/signature.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

void development_agent::learn_ownership(const std::string& repo_name,
                                        const std::vector<std::string>& paths,
                                        const std::string& who, std::int64_t now,
                                        table_store& tables) {
  if (who.empty()) return;
  for (const auto& path : paths)
    for (const auto& prefix : path_prefixes(path)) {
      const auto key = row_key(repo_name, prefix);
      if (!key) continue;
      owner_slot slot(tables, owners_table, *key);
      const bool created = !slot.record;
      auto& o = created ? slot.record.emplace() : *slot.record;
      ++o.people[who];
      o.last_ms = created ? now : std::max(o.last_ms, now);
      slot.save();
      if (created) owners_expiry_.file(tables, *key, forget_at(o, cfg_));
    }
}

namespace {

/// One fewer open review for `reviewer`.
void close_review(repo_state& repo, const std::string& reviewer) {
  if (const auto o = repo.open_reviews.find(reviewer); o != repo.open_reviews.end())
    if (--o->second == 0) repo.open_reviews.erase(o);
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
  auto& tables = ctx.tables();
  if (const auto key = change.empty() ? std::nullopt : row_key(repo_name, change)) {
    change_slot slot(tables, changes_table, *key);
    if (slot.record) {
      learn_ownership(repo_name, slot.record->paths, approver, ctx.event_time_ms(), tables);
      close_review(repo, slot.record->reviewer);
      changes_expiry_.unfile(tables, *key, forget_at(*slot.record, cfg_));
      slot.erase();
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
  const auto change_key = change.empty() ? std::nullopt : row_key(repo_name, change);
  if (!change_key) return;
  auto& tables = ctx.tables();
  change_slot slot(tables, changes_table, *change_key);
  if (slot.record) return;
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
      const auto key = row_key(repo_name, prefixes[k]);
      const auto row = key ? tables.get(owners_table, *key) : std::nullopt;
      if (!row) continue;
      for (const auto& [who, n] : decode_owner(*row).people) {
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
  slot.record = change_record{author, paths, reviewer, ctx.event_time_ms()};
  slot.save();
  changes_expiry_.file(tables, *change_key, forget_at(*slot.record, cfg_));
  learn_ownership(repo_name, paths, author, ctx.event_time_ms(), tables);
}

void development_agent::expire_reviews(std::int64_t now, table_store& tables) {
  // A review not approved in time no longer counts as open for its reviewer.
  changes_expiry_.take_due(tables, now,
                           [&](const kit::index_entry& e) -> std::optional<std::int64_t> {
                             change_slot slot(tables, changes_table, e.key);
                             if (!slot.record) return std::nullopt;
                             if (const auto at = forget_at(*slot.record, cfg_); at > now) return at;
                             const std::string repo_name(repo_of(e.key));
                             if (rememberable(repo_name)) {
                               repo_slot repo(tables, repos_table, repo_name);
                               if (repo.record) {
                                 close_review(*repo.record, slot.record->reviewer);
                                 if (holds_nothing(*repo.record)) repo.record.reset();
                                 repo.save();
                               }
                             }
                             slot.erase();
                             return std::nullopt;
                           });
  kit::expire_rows<owner_slot>(owners_expiry_, tables, owners_table, now,
                               [&](const owner_record& o) { return forget_at(o, cfg_); });
}

} // namespace aetherial::actors::development
