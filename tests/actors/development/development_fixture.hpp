#pragma once
// Builders of input envelopes and readers of outputs for the Development agent's tests.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/development/development_agent.hpp"
#include "tests/actors/kit/agent_harness.hpp"

namespace aetherial::actors::development::test {

using namespace ::aetherial::actors::development;
using namespace ::aetherial::actors::test;
using kv_list = pairs;

/// The fields of a DevEvent a test sets.
struct dev {
  std::string kind;
  std::string repo = "web";
  std::string change_id;
  std::string commit;
  std::string author;
  std::string test_name;
  bool passed = true;
  std::string failure_message;
  std::string deploy_id;
  std::string service;
  std::string environment;
  double error_rate = 0.0;
  std::vector<std::string> paths;
};

/// Builds the Development agent's input envelopes.
class events : public envelope_builder {
public:
  events() : envelope_builder(0xde7) {}

  bytes dev_event(std::int64_t t, const dev& d) {
    flatbuffers::FlatBufferBuilder b;
    auto paths = build_strings(b, d.paths);
    auto p = fbs::CreateDevEventDirect(
        b, d.kind.c_str(), d.repo.c_str(), d.change_id.c_str(), d.commit.c_str(), d.author.c_str(),
        d.test_name.c_str(), d.passed, d.failure_message.c_str(), d.deploy_id.c_str(),
        d.service.c_str(), d.environment.c_str(), d.error_rate, &paths);
    return envelope(b, t, d.repo, fbs::Payload::DevEvent, p.Union());
  }
  bytes test_result(std::int64_t t, const std::string& test, const std::string& commit, bool passed,
                    const std::string& message = "") {
    return dev_event(t, dev{"test_result", "web", "", commit, "", test, passed, message});
  }
  bytes build(std::int64_t t, const std::string& commit, bool passed,
              const std::string& repo = "web") {
    dev d{"build", repo, "", commit};
    d.passed = passed;
    if (!passed) d.failure_message = "2 tests failed";
    return dev_event(t, d);
  }
  bytes approval(std::int64_t t, const std::string& who, const std::string& deploy_id,
                 const std::string& change = "") {
    dev d{"approval", "web", change};
    d.author = who;
    d.deploy_id = deploy_id;
    return dev_event(t, d);
  }
  bytes deploy_finished(std::int64_t t, const std::string& deploy_id, bool passed = true) {
    dev d{"deploy_finished", "web"};
    d.deploy_id = deploy_id;
    d.service = "web";
    d.passed = passed;
    return dev_event(t, d);
  }
  bytes error_rate(std::int64_t t, double rate, const std::string& service = "web") {
    dev d{"error_rate", service};
    d.service = service;
    d.error_rate = rate;
    return dev_event(t, d);
  }
  bytes review(std::int64_t t, const std::string& change, const std::string& author,
               const std::vector<std::string>& paths) {
    dev d{"review_requested", "web", change};
    d.author = author;
    d.paths = paths;
    return dev_event(t, d);
  }
  bytes task(std::int64_t t, const std::string& id, const std::string& type, const kv_list& params,
             const std::string& conversation = "conv-1", const std::string& by = "user:alice") {
    return envelope_builder::task(
        t, task_spec_of(id, type, "development", conversation, by, params), "web");
  }
  bytes effect_result(std::int64_t t, const std::string& effect_id, const std::string& kind,
                      bool success, const std::string& output, const std::string& detail = "") {
    return envelope_builder::effect_result(t, "web", effect_id, kind, success, output, detail,
                                           "conv-1");
  }
};

/// The Development agent and everything it emitted.
using harness = agent_harness<development_agent, kind_name>;

/// The row of `name` in the per-repo table `table` of `repo`, decoded; nullopt when there is
/// none.
template <class Record>
std::optional<Record> row_of(const harness& h, std::string_view table, std::string_view repo,
                             std::string_view name, Record (*decode)(const bytes&)) {
  const auto value = h.tables.get(table, *row_key(repo, name));
  if (!value) return std::nullopt;
  return decode(*value);
}

/// The row of `repo` in "repos" (its defaults when it has none).
inline repo_state repo_of(const harness& h, std::string_view repo) {
  const auto value = h.tables.get(repos_table, repo);
  return value ? decode_repo(*value) : repo_state{};
}

/// How many rows of `table` belong to `repo`.
inline std::size_t rows_of_repo(const harness& h, std::string_view table, std::string_view repo) {
  const std::string from = *row_key(repo, "");
  std::size_t n = 0;
  h.tables.scan(table, from, {}, [&](std::string_view key, const bytes&) {
    if (key.substr(0, from.size()) != from) return false;
    ++n;
    return true;
  });
  return n;
}

} // namespace aetherial::actors::development::test
