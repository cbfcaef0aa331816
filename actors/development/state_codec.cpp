#include "actors/development/state_codec.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "actors/kit/state_codec.hpp"
#include "actors/kit/state_tables.hpp"

namespace aetherial::actors::development {

namespace {

using owner_map = std::map<std::string, std::uint32_t>;

std::unique_ptr<stored::RepoStateT> to_stored(const repo_state& r) {
  auto t = std::make_unique<stored::RepoStateT>();
  t->tests = kit::to_entries<stored::TestEntryT>(r.tests);
  t->clusters = kit::to_entries<stored::ClusterEntryT>(r.clusters);
  t->owners = kit::to_entries<stored::OwnerEntryT>(
      r.owners, [](stored::OwnerEntryT& e, const owner_map& people) {
        e.people = kit::to_entries<stored::CountEntryT>(people);
      });
  t->changes = kit::to_entries<stored::ChangeEntryT>(
      r.changes, [](stored::ChangeEntryT& e, const change_record& c) {
        e.value = std::make_unique<stored::ChangeRecordT>();
        e.value->author = c.author;
        e.value->paths = c.paths;
        e.value->reviewer = c.reviewer;
        e.value->requested_ms = c.requested_ms;
      });
  t->open_reviews = kit::to_entries<stored::CountEntryT>(r.open_reviews);
  t->baseline = r.baseline;
  t->baseline_samples = r.baseline_samples;
  return t;
}

bool from_stored(const stored::RepoStateT& t, repo_state& r) {
  r.baseline = t.baseline;
  r.baseline_samples = t.baseline_samples;
  return kit::from_entries_checked(
             t.tests, r.tests,
             [](const test_history& h) { return h.commits.size() == h.passed.size(); }) &&
         kit::from_entries(t.clusters, r.clusters) &&
         kit::from_entries(t.owners, r.owners,
                           [](const stored::OwnerEntryT& e, owner_map& people) {
                             return kit::from_entries(e.people, people);
                           }) &&
         kit::from_entries(t.changes, r.changes,
                           [](const stored::ChangeEntryT& e, change_record& c) {
                             if (!e.value) return false;
                             c = change_record{e.value->author, e.value->paths, e.value->reviewer,
                                               e.value->requested_ms};
                             return true;
                           }) &&
         kit::from_entries(t.open_reviews, r.open_reviews);
}

bool valid_deploy(const deploy_record& d) {
  return d.phase >= deploy_phase::MIN && d.phase <= deploy_phase::MAX;
}

stored::DevelopmentStateT to_table(const development_state& s) {
  stored::DevelopmentStateT t;
  t.events = s.events;
  t.repos = kit::to_entries<stored::RepoEntryT>(
      s.repos, [](stored::RepoEntryT& e, const repo_state& r) { e.value = to_stored(r); });
  t.deploys = kit::to_entries<stored::DeployEntryT>(s.deploys);
  t.code_requests = kit::to_entries<stored::CodeRequestEntryT>(s.code_requests);
  return t;
}

std::optional<development_state> from_table(const stored::DevelopmentStateT& t) {
  development_state s;
  s.events = t.events;
  const bool ok = kit::from_entries(t.repos, s.repos,
                                    [](const stored::RepoEntryT& e, repo_state& r) {
                                      return e.value && from_stored(*e.value, r);
                                    }) &&
                  kit::from_entries_checked(t.deploys, s.deploys, valid_deploy) &&
                  kit::from_entries(t.code_requests, s.code_requests);
  if (!ok) return std::nullopt;
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS(development_state, stored::DevelopmentState, to_table, from_table)

} // namespace aetherial::actors::development
