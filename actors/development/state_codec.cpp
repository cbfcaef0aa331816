#include "actors/development/state_codec.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "actors/kit/state_codec.hpp"
#include "actors/kit/state_tables.hpp"
#include "actors/kit/table_rows.hpp"

namespace aetherial::actors::development {

namespace {

bool valid_deploy(const deploy_record& d) {
  return d.phase >= deploy_phase::MIN && d.phase <= deploy_phase::MAX;
}

stored::DevelopmentStateT to_table(const development_state& s) {
  stored::DevelopmentStateT t;
  t.events = s.events;
  t.deploys = kit::to_entries<stored::DeployEntryT>(s.deploys);
  t.code_requests = kit::to_entries<stored::CodeRequestEntryT>(s.code_requests);
  t.watermark_ms = s.watermark_ms;
  return t;
}

std::optional<development_state> from_table(const stored::DevelopmentStateT& t) {
  development_state s;
  s.events = t.events;
  s.watermark_ms = t.watermark_ms;
  const bool ok = kit::from_entries_checked(t.deploys, s.deploys, valid_deploy) &&
                  kit::from_entries(t.code_requests, s.code_requests);
  if (!ok) return std::nullopt;
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS(development_state, stored::DevelopmentState, to_table, from_table)

bytes encode_repo(const repo_state& r) {
  stored::RepoRowT o;
  o.open_reviews = kit::to_entries<stored::CountEntryT>(r.open_reviews);
  o.baseline = r.baseline;
  o.baseline_samples = r.baseline_samples;
  return kit::encode_row<stored::RepoRow>(o);
}

repo_state decode_repo(const bytes& value) {
  const auto o = kit::decode_row<stored::RepoRow>(value, "repos");
  repo_state r;
  r.baseline = o.baseline;
  r.baseline_samples = o.baseline_samples;
  if (!std::isfinite(r.baseline) || r.baseline < 0 ||
      !kit::from_entries(o.open_reviews, r.open_reviews))
    kit::impossible_row("repos");
  return r;
}

bytes encode_test(const test_history& t) {
  return kit::encode_row<stored::TestHistory>(t);
}

test_history decode_test(const bytes& value) {
  auto t = kit::decode_row<stored::TestHistory>(value, "tests");
  if (t.commits.size() != t.passed.size()) kit::impossible_row("tests");
  return t;
}

bytes encode_cluster(const failure_cluster& c) {
  return kit::encode_row<stored::FailureCluster>(c);
}

failure_cluster decode_cluster(const bytes& value) {
  auto c = kit::decode_row<stored::FailureCluster>(value, "clusters");
  if (!std::is_sorted(c.tests.begin(), c.tests.end())) kit::impossible_row("clusters");
  return c;
}

bytes encode_owner(const owner_record& o) {
  stored::OwnerRowT t;
  t.people = kit::to_entries<stored::CountEntryT>(o.people);
  t.last_ms = o.last_ms;
  return kit::encode_row<stored::OwnerRow>(t);
}

owner_record decode_owner(const bytes& value) {
  const auto t = kit::decode_row<stored::OwnerRow>(value, "owners");
  owner_record o;
  o.last_ms = t.last_ms;
  if (!kit::from_entries(t.people, o.people)) kit::impossible_row("owners");
  return o;
}

bytes encode_change(const change_record& c) {
  stored::ChangeRecordT t;
  t.author = c.author;
  t.paths = c.paths;
  t.reviewer = c.reviewer;
  t.requested_ms = c.requested_ms;
  return kit::encode_row<stored::ChangeRecord>(t);
}

change_record decode_change(const bytes& value) {
  auto t = kit::decode_row<stored::ChangeRecord>(value, "changes");
  return change_record{std::move(t.author), std::move(t.paths), std::move(t.reviewer),
                       t.requested_ms};
}

} // namespace aetherial::actors::development
