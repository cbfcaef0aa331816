#include "actors/development/development_agent.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "actors/development/signature.hpp"
#include "actors/development/state_codec.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"

namespace aetherial::actors::development {

namespace {

using kv_list = std::vector<std::pair<std::string, std::string>>;

std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

/// A rate as a percentage with two decimals: 0.0123 -> "1.23 %".
std::string percent(double rate) {
  return kit::fixed(100.0 * rate, 2) + " %";
}

/// "user:alice" and "alice" are one person.
std::string person(std::string_view who) {
  const auto colon = who.find(':');
  return std::string(colon == std::string_view::npos ? who : who.substr(colon + 1));
}

/// The first line of a text, cut to `max` characters.
std::string first_line(std::string_view text, std::size_t max) {
  const auto nl = text.find('\n');
  std::string out(text.substr(0, nl));
  if (out.size() > max) out = out.substr(0, max) + "...";
  return out;
}

std::vector<flatbuffers::Offset<fbs::KeyValue>> key_values(flatbuffers::FlatBufferBuilder& b,
                                                           const kv_list& kvs) {
  std::vector<flatbuffers::Offset<fbs::KeyValue>> out;
  for (const auto& [k, v] : kvs)
    out.push_back(fbs::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
  return out;
}

void reply(context& ctx, const std::string& conversation, const std::string& text,
           fbs::ReplyStatus status, const std::string& intent, const kv_list& details = {}) {
  if (conversation.empty()) return; // a deploy asked for by CI, not by a person
  kit::emit_reply(
      ctx, output::replies, conversation,
      kit::reply_spec{conversation, "development", text, status, intent, 1.0, {}, details},
      conversation);
}

void task_outcome(context& ctx, const std::string& conversation, const std::string& task_id,
                  const std::string& type, bool success, const std::string& detail,
                  const kv_list& results = {},
                  fbs::ReplyStatus status = fbs::ReplyStatus::unknown) {
  if (task_id.empty()) return;
  if (status == fbs::ReplyStatus::unknown)
    status = success ? fbs::ReplyStatus::answered : fbs::ReplyStatus::failed;
  kit::emit_outcome(ctx, conversation,
                    kit::outcome_spec{task_id, type, "development", success, status, detail,
                                      conversation, results},
                    conversation);
}

void effect(context& ctx, const std::string& key, const std::string& effect_id, const char* kind,
            const std::string& input, const std::string& conversation,
            const std::string& requested_by, const kv_list& params) {
  auto& b = ctx.builder();
  const auto kvs = key_values(b, params);
  const auto p = fbs::CreateEffectRequestDirect(b, effect_id.c_str(), kind, input.c_str(),
                                                conversation.c_str(), requested_by.c_str(), &kvs);
  ctx.request_effect(key, fbs::Payload::EffectRequest, p.Union(), conversation);
}

void deploy_gate(context& ctx, const deploy_record& d, bool allowed, const std::string& reason) {
  auto& b = ctx.builder();
  const auto p = fbs::CreateDeployGateDirect(b, d.deploy_id.c_str(), d.service.c_str(),
                                             d.environment.c_str(), allowed, reason.c_str());
  ctx.emit(output::decisions, d.service, fbs::Payload::DeployGate, p.Union(), d.conversation_id);
}

bool needs_approval(const deploy_config& c, const std::string& environment) {
  return std::find(c.approval_environments.begin(), c.approval_environments.end(), environment) !=
         c.approval_environments.end();
}

/// The change a deploy is about, for messages: its commit, else its change id.
std::string subject(const deploy_record& d) {
  if (!d.commit.empty()) return "commit " + d.commit;
  if (!d.change_id.empty()) return "change " + d.change_id;
  return "the latest build";
}

void finish_deploy(deploy_record& d, std::int64_t now, bool success, const std::string& detail,
                   context& ctx) {
  d.phase = deploy_phase::done;
  d.done_ms = now;
  task_outcome(ctx, d.conversation_id, d.task_id, d.task_type, success, detail,
               {{"deploy_id", d.deploy_id},
                {"service", d.service},
                {"environment", d.environment},
                {"commit", d.commit}});
}

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

development_agent::development_agent(development_config cfg) : cfg_(std::move(cfg)) {}

void development_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  // Any event's time can end a post-deploy watch: a deploy that stayed healthy until the
  // end of its watch is reported as such before anything else happens.
  expire(ctx);
  switch (event.payload_type()) {
    case fbs::Payload::DevEvent: on_dev_event(*event.payload_as_DevEvent(), ctx); break;
    case fbs::Payload::Task: on_task(*event.payload_as_Task(), ctx); break;
    case fbs::Payload::EffectResult: on_effect_result(*event.payload_as_EffectResult(), ctx); break;
    default:
      // Decisions (including this agent's own), outcomes and other payloads carry nothing to
      // act on.
      break;
  }
}

// ---------------------------------------------------------------------------------------
// platform.dev

void development_agent::on_dev_event(const fbs::DevEvent& e, context& ctx) {
  const std::string kind = str(e.kind());
  std::string repo_name = str(e.repo());
  if (repo_name.empty()) repo_name = str(e.service());
  if (repo_name.empty()) return;
  auto& repo = state_.repos[repo_name];
  if (kind == "test_result") {
    on_test_result(repo, repo_name, e, ctx);
  } else if (kind == "build") {
    on_build(repo_name, e, ctx);
  } else if (kind == "approval") {
    on_approval(repo, repo_name, e, ctx);
  } else if (kind == "review_requested") {
    on_review_requested(repo, repo_name, e, ctx);
  } else if (kind == "deploy_requested" || kind == "deploy_started" || kind == "deploy_finished") {
    on_deploy_event(e, ctx);
  } else if (kind == "error_rate") {
    std::string service = str(e.service());
    if (service.empty()) service = repo_name;
    on_error_rate(state_.repos[service], service, e.error_rate(), ctx);
  }
}

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
      auto oldest = repo.clusters.begin();
      for (auto k = repo.clusters.begin(); k != repo.clusters.end(); ++k)
        if (k->second.last_seen_ms < oldest->second.last_seen_ms) oldest = k;
      repo.clusters.erase(oldest);
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

void development_agent::on_build(const std::string& repo_name, const fbs::DevEvent& e,
                                 context& ctx) {
  const std::string commit = str(e.commit());
  const std::string change = str(e.change_id());
  for (auto& [id, d] : state_.deploys) {
    if (d.service != repo_name || d.phase != deploy_phase::testing) continue;
    if (!d.commit.empty() ? commit != d.commit : (!d.change_id.empty() && change != d.change_id))
      continue;
    if (d.commit.empty()) d.commit = commit;
    if (!e.passed()) {
      std::string reason = "tests failed on " + subject(d);
      const std::string why = str(e.failure_message());
      if (!why.empty()) reason += ": " + first_line(why, 160);
      deploy_gate(ctx, d, false, reason);
      reply(ctx, d.conversation_id,
            "Tests failed. Deploy of " + d.service + " to " + d.environment + " stopped (" +
                reason + ").",
            fbs::ReplyStatus::answered, "development.deploy");
      finish_deploy(d, ctx.event_time_ms(), false, reason, ctx);
      continue;
    }
    d.tests_passed = true;
    evaluate_gate(d, ctx);
  }
}

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
    auto oldest = repo.changes.begin();
    for (auto it = repo.changes.begin(); it != repo.changes.end(); ++it)
      if (it->second.requested_ms < oldest->second.requested_ms) oldest = it;
    if (const auto o = repo.open_reviews.find(oldest->second.reviewer);
        o != repo.open_reviews.end() && --o->second == 0)
      repo.open_reviews.erase(o);
    repo.changes.erase(oldest);
  }
  repo.changes[change] = change_record{author, paths, reviewer, ctx.event_time_ms()};
  learn_ownership(repo, cfg_.review, paths, author);
}

void development_agent::on_deploy_event(const fbs::DevEvent& e, context& ctx) {
  const std::string kind = str(e.kind());
  const std::string deploy_id = str(e.deploy_id());
  if (deploy_id.empty()) return;
  const std::int64_t now = ctx.event_time_ms();
  if (kind == "deploy_requested") {
    // A deploy asked for by CI rather than by a task: gated the same way, without replies.
    if (state_.deploys.count(deploy_id) > 0) return;
    deploy_record d;
    d.deploy_id = deploy_id;
    d.service = str(e.service()).empty() ? str(e.repo()) : str(e.service());
    d.environment =
        str(e.environment()).empty() ? cfg_.deploy.default_environment : str(e.environment());
    d.change_id = str(e.change_id());
    d.commit = str(e.commit());
    d.requested_by = str(e.author_ref());
    d.requested_ms = now;
    state_.deploys.emplace(deploy_id, std::move(d));
    return;
  }
  const auto it = state_.deploys.find(deploy_id);
  if (it == state_.deploys.end()) return;
  auto& d = it->second;
  if (kind == "deploy_finished" && d.phase == deploy_phase::deploying) {
    if (!e.passed()) {
      const std::string why = first_line(str(e.failure_message()), 160);
      reply(ctx, d.conversation_id,
            "The deploy of " + d.service + " to " + d.environment + " failed" +
                (why.empty() ? "." : ": " + why + "."),
            fbs::ReplyStatus::answered, "development.deploy");
      finish_deploy(d, now, false, "deploy failed" + (why.empty() ? "" : ": " + why), ctx);
      return;
    }
    d.phase = deploy_phase::watching;
    d.watch_until_ms = now + cfg_.deploy.watch_ms;
    reply(ctx, d.conversation_id,
          "Deployed " + d.service + " to " + d.environment + ". Watching the error rate for " +
              kit::integer(cfg_.deploy.watch_ms / 60'000) + " min against the baseline of " +
              percent(d.baseline) + ".",
          fbs::ReplyStatus::pending, "development.deploy");
  }
}

void development_agent::on_error_rate(repo_state& repo, const std::string& service, double rate,
                                      context& ctx) {
  if (!std::isfinite(rate) || rate < 0) return;
  const auto& c = cfg_.deploy;
  bool in_deploy = false;
  for (auto& [id, d] : state_.deploys) {
    if (d.service != service) continue;
    if (d.phase == deploy_phase::deploying) in_deploy = true;
    if (d.phase != deploy_phase::watching) continue;
    in_deploy = true;
    d.worst = std::max(d.worst, rate);
    const double base = std::max(d.baseline, c.baseline_floor);
    const bool severe = rate >= base * c.severe_ratio && rate >= base + c.severe_delta;
    const bool elevated = rate >= base * c.elevated_ratio && rate >= base + c.elevated_delta;
    d.elevated_run = elevated ? d.elevated_run + 1 : 0;
    if (!severe && !(elevated && d.elevated_run >= c.elevated_samples && !d.recommended)) continue;
    const std::string ratio = kit::fixed(rate / base, 1);
    std::string reason = "error rate " + percent(rate) + " is " + ratio +
                         "x the pre-deploy baseline " + percent(base);
    reason += severe ? ": severe, rolling back automatically"
                     : " for " + kit::integer(d.elevated_run) +
                           " samples: rollback recommended, not automatic";
    auto& b = ctx.builder();
    const auto p = fbs::CreateRollbackDecisionDirect(b, d.deploy_id.c_str(), d.service.c_str(),
                                                     rate, base, severe, severe, reason.c_str());
    ctx.emit(output::decisions, d.service, fbs::Payload::RollbackDecision, p.Union(),
             d.conversation_id);
    if (severe) {
      effect(ctx, d.service, "rollback-" + d.deploy_id, "rollback", "roll back " + d.deploy_id,
             d.conversation_id, "agent:development",
             {{"deploy_id", d.deploy_id}, {"service", d.service}, {"environment", d.environment}});
      reply(ctx, d.conversation_id,
            "Error rate jumped to " + percent(rate) + " after the deploy (baseline " +
                percent(base) + "). Rolling back automatically.",
            fbs::ReplyStatus::answered, "development.deploy",
            {{"deploy_id", d.deploy_id},
             {"error_rate", kit::fixed(rate, 6)},
             {"baseline", kit::fixed(base, 6)}});
      finish_deploy(d, ctx.event_time_ms(), false, "rolled back automatically: " + reason, ctx);
    } else {
      d.recommended = true;
      reply(ctx, d.conversation_id,
            "The error rate is " + percent(rate) + " since the deploy, against " + percent(base) +
                " before. I recommend rolling back; confirm to roll back.",
            fbs::ReplyStatus::needs_confirmation, "development.deploy",
            {{"deploy_id", d.deploy_id},
             {"error_rate", kit::fixed(rate, 6)},
             {"baseline", kit::fixed(base, 6)}});
    }
  }
  if (in_deploy) return;
  // Outside deploys the error rate is the baseline the next deploy is judged against.
  repo.baseline =
      repo.baseline_samples == 0 ? rate : repo.baseline + c.baseline_alpha * (rate - repo.baseline);
  ++repo.baseline_samples;
}

// ---------------------------------------------------------------------------------------
// deploys

void development_agent::evaluate_gate(deploy_record& d, context& ctx) {
  if (!d.tests_passed) return;
  const bool approval_needed = needs_approval(cfg_.deploy, d.environment);
  if (approval_needed && d.approved_by.empty()) {
    if (d.phase == deploy_phase::testing) {
      d.phase = deploy_phase::approval;
      reply(ctx, d.conversation_id,
            "Tests passed. Waiting for an approval to deploy " + d.service + " to " +
                d.environment + ".",
            fbs::ReplyStatus::pending, "development.deploy");
    }
    return;
  }
  const bool after_wait = d.phase == deploy_phase::approval;
  std::string reason = "tests passed on " + subject(d);
  reason += approval_needed ? "; approved by " + d.approved_by
                            : "; no approval needed for " + d.environment;
  deploy_gate(ctx, d, true, reason);
  d.phase = deploy_phase::deploying;
  const auto it = state_.repos.find(d.service);
  d.baseline = it == state_.repos.end() ? 0.0 : it->second.baseline;
  effect(ctx, d.service, d.deploy_id, "deploy", "deploy " + d.service + " to " + d.environment,
         d.conversation_id, d.requested_by,
         {{"deploy_id", d.deploy_id},
          {"service", d.service},
          {"environment", d.environment},
          {"commit", d.commit},
          {"change_id", d.change_id}});
  reply(ctx, d.conversation_id,
        after_wait ? "Approved by " + d.approved_by + ". Deploying..."
                   : "Tests passed. Deploying...",
        fbs::ReplyStatus::pending, "development.deploy", {{"deploy_id", d.deploy_id}});
}

void development_agent::expire(context& ctx) {
  const std::int64_t now = ctx.event_time_ms();
  for (auto it = state_.deploys.begin(); it != state_.deploys.end();) {
    auto& d = it->second;
    if (d.phase == deploy_phase::watching && now >= d.watch_until_ms) {
      const std::string peak = percent(d.worst);
      std::string text = "The deploy of " + d.service + " to " + d.environment +
                         " is done: the error rate peaked at " + peak + " (baseline " +
                         percent(std::max(d.baseline, cfg_.deploy.baseline_floor)) + ")";
      text += d.recommended ? "; a rollback was recommended and not confirmed." : ", healthy.";
      reply(ctx, d.conversation_id, text, fbs::ReplyStatus::answered, "development.deploy",
            {{"deploy_id", d.deploy_id}});
      finish_deploy(d, now, true,
                    d.recommended ? "deployed; rollback recommended" : "deployed and healthy", ctx);
    }
    if (d.phase == deploy_phase::done && now - d.done_ms > cfg_.deploy.retention_ms)
      it = state_.deploys.erase(it);
    else
      ++it;
  }
}

void development_agent::start_deploy(const kit::task_spec& t, context& ctx) {
  const auto params = kit::params_as<kit::deploy_params>(t.params);
  deploy_record d;
  d.deploy_id = "deploy-" + (t.task_id.empty() ? ctx.cause_id().to_string() : t.task_id);
  if (state_.deploys.count(d.deploy_id) > 0) return; // a redelivered task
  // The service comes from the task alone: the key a task arrives under is a partition key,
  // not a request to deploy something of that name.
  d.service = params.service;
  d.environment = params.environment;
  if (d.environment.empty()) d.environment = cfg_.deploy.default_environment;
  d.change_id = params.change_id;
  d.commit = params.commit;
  d.task_id = t.task_id;
  d.task_type = t.type;
  d.conversation_id = t.conversation_id;
  d.requested_by = t.requested_by;
  d.requested_ms = ctx.event_time_ms();
  if (d.service.empty()) {
    const std::string what = params.change.empty() ? "the change" : params.change;
    const std::string question =
        "To deploy " + what + " to " + d.environment +
        " I need the service it belongs to: which one? Name it, and the commit if it is not the "
        "next build (for example \"Deploy web commit 4f2a9c1 to " +
        d.environment + "\").";
    reply(ctx, d.conversation_id, question, fbs::ReplyStatus::refused, "development.deploy");
    task_outcome(ctx, d.conversation_id, d.task_id, d.task_type, false, question, {},
                 fbs::ReplyStatus::refused);
    return;
  }
  effect(ctx, d.service, "tests-" + d.deploy_id, "ci_pipeline", "run the tests of " + d.service,
         d.conversation_id, d.requested_by,
         {{"deploy_id", d.deploy_id},
          {"service", d.service},
          {"commit", d.commit},
          {"change_id", d.change_id}});
  reply(ctx, d.conversation_id,
        "Running tests for " + d.service + (d.commit.empty() ? "" : " at commit " + d.commit) +
            " before deploying to " + d.environment + "...",
        fbs::ReplyStatus::pending, "development.deploy", {{"deploy_id", d.deploy_id}});
  state_.deploys.emplace(d.deploy_id, std::move(d));
}

// ---------------------------------------------------------------------------------------
// aetherial.tasks and aetherial.effect-results

void development_agent::on_task(const fbs::Task& task, context& ctx) {
  if (str(task.target_agent()) != kind_name) return;
  const kit::task_spec t = kit::read_task(task);
  if (!kit::can_do(kind_name, t.type)) {
    reply(ctx, t.conversation_id, "I cannot do \"" + t.type + "\".", fbs::ReplyStatus::refused,
          t.type);
    task_outcome(ctx, t.conversation_id, t.task_id, t.type, false, "unknown task type", {},
                 fbs::ReplyStatus::refused);
  } else if (t.type == "development.deploy") {
    start_deploy(t, ctx);
  } else {
    start_code_request(t, ctx);
  }
}

void development_agent::start_code_request(const kit::task_spec& t, context& ctx) {
  code_request c;
  c.task_id = t.task_id;
  c.task_type = t.type;
  c.conversation_id = t.conversation_id;
  c.requested_by = t.requested_by;
  c.service = kit::params_as<kit::code_request_params>(t.params).service;
  c.text = t.text;
  c.priority = t.priority;
  c.requested_ms = ctx.event_time_ms();
  const std::string effect_id =
      "codegen-" + (c.task_id.empty() ? ctx.cause_id().to_string() : c.task_id);
  if (state_.code_requests.count(effect_id) > 0) return; // a redelivered task
  if (c.text.empty()) {
    reply(ctx, c.conversation_id, "What should the code do?", fbs::ReplyStatus::refused,
          c.task_type);
    task_outcome(ctx, c.conversation_id, c.task_id, c.task_type, false, "no text", {},
                 fbs::ReplyStatus::refused);
    return;
  }
  if (state_.code_requests.size() >= cfg_.max_code_requests) {
    reply(ctx, c.conversation_id, "Too many code requests are in progress; try again later.",
          fbs::ReplyStatus::refused, c.task_type);
    task_outcome(ctx, c.conversation_id, c.task_id, c.task_type, false, "too many in progress", {},
                 fbs::ReplyStatus::refused);
    return;
  }
  const std::string what = c.task_type.substr(c.task_type.find('.') + 1);
  effect(ctx, c.service, effect_id, "code_generation",
         "task: " + what + "\nservice: " + c.service + "\nrequest: " + c.text, c.conversation_id,
         c.requested_by,
         {{"task_id", c.task_id}, {"task_type", c.task_type}, {"service", c.service}});
  reply(ctx, c.conversation_id,
        "Working on it: generating code for " + (c.service.empty() ? "the request" : c.service) +
            " (" + what +
            "). No code exists yet; it follows here once a code generator records "
            "its result.",
        fbs::ReplyStatus::pending, c.task_type, {{"effect_id", effect_id}});
  state_.code_requests.emplace(effect_id, std::move(c));
}

void development_agent::on_effect_result(const fbs::EffectResult& r, context& ctx) {
  const std::string effect_id = str(r.effect_id());
  if (const auto it = state_.code_requests.find(effect_id); it != state_.code_requests.end()) {
    const code_request c = it->second;
    state_.code_requests.erase(it);
    if (!r.success()) {
      const std::string why = first_line(str(r.detail()), 200);
      reply(ctx, c.conversation_id,
            "Code generation failed" + (why.empty() ? "." : ": " + why + "."),
            fbs::ReplyStatus::answered, c.task_type, {{"effect_id", effect_id}});
      task_outcome(ctx, c.conversation_id, c.task_id, c.task_type, false,
                   "code generation failed" + (why.empty() ? "" : ": " + why));
      return;
    }
    const std::string summary = first_line(str(r.output()), 200);
    reply(ctx, c.conversation_id,
          "The code for " + (c.service.empty() ? "your request" : c.service) +
              " is ready: " + summary,
          fbs::ReplyStatus::answered, c.task_type, {{"effect_id", effect_id}});
    task_outcome(ctx, c.conversation_id, c.task_id, c.task_type, true, "code generated",
                 {{"effect_id", effect_id}, {"summary", summary}});
    if (c.task_type != "development.write_tests") {
      // New code needs tests: the follow-up is a task of its own, through aetherial.tasks.
      kit::task_spec follow;
      follow.task_id = "tests-for-" + c.task_id;
      follow.type = "development.write_tests";
      follow.target_agent = std::string(kind_name);
      follow.priority = c.priority;
      follow.conversation_id = c.conversation_id;
      follow.requested_by = "agent:development";
      follow.text = "Write tests for: " + c.text;
      follow.intent = "development.write_tests";
      kit::code_request_params params;
      params.service = c.service;
      params.follows = c.task_id;
      follow.params = params;
      kit::emit_task(ctx, c.service.empty() ? c.conversation_id : c.service, follow,
                     c.conversation_id);
    }
    return;
  }
  const auto d = state_.deploys.find(effect_id);
  if (d == state_.deploys.end() || d->second.phase != deploy_phase::deploying) return;
  if (!r.success()) {
    const std::string why = first_line(str(r.detail()), 160);
    reply(ctx, d->second.conversation_id,
          "The deploy of " + d->second.service + " failed" + (why.empty() ? "." : ": " + why + "."),
          fbs::ReplyStatus::answered, "development.deploy");
    finish_deploy(d->second, ctx.event_time_ms(), false, "deploy failed", ctx);
  }
}

bytes development_agent::snapshot() const {
  return encode_state(state_);
}

bool development_agent::restore(const std::uint8_t* data, std::size_t size) {
  auto decoded = decode_state(data, size);
  if (!decoded) return false;
  state_ = std::move(*decoded);
  return true;
}

std::unique_ptr<agent> make_development_agent(const agent_settings& settings) {
  return std::make_unique<development_agent>(config_from(settings));
}

} // namespace aetherial::actors::development
