#pragma once
// The Development agent: CI/CD signals and deploys, as one deterministic reducer over
// platform.dev, aetherial.tasks and aetherial.effect-results.
//
// - failing tests are clustered by normalized failure signature (FailureCluster);
// - tests that flip between pass and fail on one commit are flaky (FlakyTest);
// - a deploy task waits at a gate for the change's tests and, in approval environments, an
//   approval (DeployGate), then asks an effect worker to deploy;
// - after a deploy the error rate is watched against the pre-deploy baseline
//   (RollbackDecision: automatic only when severe, otherwise a recommendation);
// - review requests are assigned by path ownership learned from history (ReviewAssignment);
// - code-writing tasks become code-generation effect requests, and their results replies,
//   task outcomes and follow-up tasks.
// Decisions are keyed by repo (one repo per service); replies and task outcomes by the
// conversation id. What it learns per repo is kept in tables (actors/development/tables.hpp).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"
#include "actors/development/config.hpp"
#include "actors/development/state.hpp"
#include "actors/development/state_codec.hpp"
#include "actors/development/tables.hpp"
#include "actors/kit/agent_base.hpp"
#include "actors/kit/expiry_index.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

/// The Development agent of one partition; owned by its host, lives as long as the host.
class development_agent final : public kit::agent_base<development_agent, development_state,
                                                       development_config, &decode_state> {
public:
  using agent_base::agent_base;

  void on_event(const fbs::Envelope& event, context& ctx) override;

private:
  friend agent_base;

  void on_dev_event(const fbs::DevEvent& e, context& ctx);
  void on_task(const fbs::Task& t, context& ctx);
  void on_effect_result(const fbs::EffectResult& r, context& ctx);

  void on_test_result(const std::string& repo_name, const fbs::DevEvent& e, context& ctx);
  void on_build(const std::string& repo_name, const fbs::DevEvent& e, context& ctx);
  void on_approval(repo_state& repo, const std::string& repo_name, const fbs::DevEvent& e,
                   context& ctx);
  void on_review_requested(repo_state& repo, const std::string& repo_name, const fbs::DevEvent& e,
                           context& ctx);
  void on_deploy_event(const fbs::DevEvent& e, context& ctx);
  void on_error_rate(repo_state& repo, const std::string& service, double rate, context& ctx);

  void start_deploy(const kit::task_spec& t, context& ctx);
  void start_code_request(const kit::task_spec& t, context& ctx);
  void evaluate_gate(deploy_record& d, context& ctx);
  /// Ends the post-deploy watches due at the event's time, forgets finished deploys past
  /// their retention, and expires the tables' rows due at the watermark.
  void expire(context& ctx);
  /// Records that `who` wrote or reviewed below every prefix of `paths` in `repo_name`.
  void learn_ownership(const std::string& repo_name, const std::vector<std::string>& paths,
                       const std::string& who, std::int64_t now, table_store& tables);
  /// Forgets the idle path prefixes and the reviews past their time at `now`.
  void expire_reviews(std::int64_t now, table_store& tables);
  /// After a restore: the indexes know nothing of the tables they were used with.
  void restored();

  kit::expiry_index tests_expiry_{std::string(tests_expiry_index)};
  kit::expiry_index clusters_expiry_{std::string(clusters_expiry_index)};
  kit::expiry_index owners_expiry_{std::string(owners_expiry_index)};
  kit::expiry_index changes_expiry_{std::string(changes_expiry_index)};
};

/// Creates a Development agent configured by `settings` ("development.*"), empty state.
[[nodiscard]] std::unique_ptr<agent> make_development_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::development
