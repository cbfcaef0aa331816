#include "actors/analytics/analytics_agent.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "actors/analytics/activity.hpp"
#include "actors/analytics/gather.hpp"
#include "actors/analytics/state_codec.hpp"
#include "actors/analytics/text.hpp"
#include "actors/kit/redact.hpp"

namespace aetherial::actors::analytics {

namespace {

std::uint32_t number_param(std::uint32_t v, std::uint32_t fallback, std::uint32_t max) {
  return v == 0 ? fallback : std::min(v, max);
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The query a task asks for: its type, or for a free question the words in it.
std::string query_of(const kit::task_spec& task) {
  const std::string_view type = task.type;
  constexpr std::string_view prefix = "analytics.";
  std::string_view q = type.substr(0, prefix.size()) == prefix ? type.substr(prefix.size()) : type;
  if (q == "active_users" || q == "popular_features" || q == "retention" || q == "ab_test")
    return std::string(q);
  std::string question = task.text;
  for (auto& c : question)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (contains(question, "retention") || contains(question, "churn")) return "retention";
  if (contains(question, "feature") || contains(question, "popular")) return "popular_features";
  if (contains(question, "experiment") || contains(question, "a/b") ||
      contains(question, "ab test"))
    return "ab_test";
  if (contains(question, "active") || contains(question, "users") ||
      contains(question, "concurren"))
    return "active_users";
  return {};
}

constexpr std::string_view refusal_text =
    "Analytics is not configured: the deployment setting analytics.salt is missing or shorter "
    "than the required length, so no user activity is recorded and no question can be "
    "answered. Set a secret salt and replay platform.activity.";

} // namespace

analytics_agent::analytics_agent(analytics_config cfg)
    : agent_base(std::move(cfg)), gather_(std::string(kind_name), cfg_.gather_timeout_ms) {
  refusing_ = cfg_.salt.size() < std::max<std::size_t>(cfg_.min_salt_bytes, 1);
  if (!refusing_) {
    key_ = derive_key(cfg_.salt);
    fingerprint_ = key_fingerprint(key_);
  }
  // Only the derived key is needed from here on; the salt itself is not kept.
  cfg_.salt.assign(cfg_.salt.size(), '\0');
  cfg_.salt.clear();
}

void analytics_agent::on_event(const fbs::Envelope& event, context& ctx) {
  if (!days_loaded_) load_days(ctx.tables());
  ++state_.events;
  const auto finish_question = [this](const kit::task_spec& task, const kit::gather_parts& parts,
                                      const kit::gather_progress& progress,
                                      context& c) { finish(task, parts, progress, c); };
  if (!refusing_) gather_.expire(ctx, finish_question);
  const auto part = [this](const kit::task_spec& task, context& c) {
    return part_of(task, c.event_time_ms());
  };
  if (!refusing_ && gather_.on_event(event, ctx, part, finish_question)) return;
  switch (event.payload_type()) {
    case fbs::Payload::UserActivity:
      on_activity(event, *event.payload_as_UserActivity(), ctx);
      break;
    case fbs::Payload::Task: on_task(*event.payload_as_Task(), ctx); break;
    default:
      // Outcomes, other agents' tasks and unknown payloads carry nothing to act on.
      break;
  }
}

void analytics_agent::on_activity(const fbs::Envelope& event, const fbs::UserActivity& a,
                                  context& ctx) {
  if (refusing_) {
    if (state_.refusal_reported) return;
    state_.refusal_reported = true;
    auto& b = ctx.builder();
    auto p = fbs::CreateAnalyticsReportDirect(b, "configuration", std::string(refusal_text).c_str(),
                                              nullptr, "");
    ctx.emit(output::decisions, "analytics", fbs::Payload::AnalyticsReport, p.Union(),
             "analytics.configuration");
    return;
  }
  const std::string_view user = view(a.user_ref());
  if (user.empty()) return; // anonymous activity counts no user
  // The tenant named in the event, else the record key; kept only as its keyed hash, whatever
  // it holds.
  const std::string_view named = view(a.tenant());
  const std::string_view key = named.empty() ? view(event.key()) : named;
  const std::string tenant =
      tenant_pseudonym(key_, key.empty() ? std::string_view(cfg_.default_tenant) : key);
  const std::string_view session = view(a.session_id());
  // Feature, experiment and variant names are the platform's words and are kept as written,
  // except for any personal data in them (an e-mail address as a feature name, say).
  const std::string feature = kit::redact(view(a.feature()));
  const std::string experiment = kit::redact(view(a.experiment()));
  const std::string variant = kit::redact(view(a.variant()));

  activity act;
  act.user = keyed_hash(key_, "user", user);
  act.session = session.empty() ? keyed_hash(key_, "user-session", user)
                                : keyed_hash(key_, "session", session);
  act.kind = view(a.kind());
  act.feature = feature;
  act.experiment = experiment;
  act.variant = variant;
  act.time_ms = ctx.event_time_ms();
  auto& tables = ctx.tables();
  expire_users(act.time_ms, tables);
  record_activity(state_.tenants[tenant], cfg_, act, user_rows{tables, tenant, users_expiry_});
  evict_tenants(tables);
}

void analytics_agent::evict_tenants(table_store& tables) {
  while (state_.tenants.size() > std::max<std::uint32_t>(cfg_.max_tenants, 1)) {
    auto oldest = state_.tenants.begin();
    for (auto it = state_.tenants.begin(); it != state_.tenants.end(); ++it)
      if (it->second.watermark_ms < oldest->second.watermark_ms) oldest = it;
    // Its users' and members' rows go with it; the users' index entries find no row when due.
    const std::string prefix = oldest->first + '\0';
    erase_prefix(tables, users_table, prefix);
    erase_prefix(tables, members_table, prefix);
    erase_prefix(tables, sessions_table, prefix);
    erase_prefix(tables, days_table, prefix);
    erase_prefix(tables, cohorts_table, prefix);
    erase_prefix(tables, sessions_order_table, prefix);
    state_.tenants.erase(oldest);
  }
}

void analytics_agent::expire_users(std::int64_t now, table_store& tables) {
  // An entry filed before its user's real time (the user was active since) is filed again.
  kit::expire_rows<user_slot>(users_expiry_, tables, users_table, now,
                              [&](const user_record& u) { return forget_at(u, cfg_); });
}

void analytics_agent::restored() {
  users_expiry_ = kit::expiry_index(users_expiry_.name());
  gather_.restart();
  days_loaded_ = false;
}

void analytics_agent::load_days(const table_store& tables) {
  for (auto& entry : state_.tenants) {
    const std::string& tenant = entry.first;
    tenant_state& t = entry.second;
    const std::string prefix = tenant + '\0';
    const auto each = [&](std::string_view table, auto decode, auto& into) {
      tables.scan(table, prefix, {}, [&](std::string_view k, const bytes& v) {
        if (k.substr(0, prefix.size()) != prefix) return false;
        auto [day, row] = decode(v);
        if (day_key(tenant, day) != k)
          throw std::runtime_error("a row of table '" + std::string(table) +
                                   "' is filed under another day");
        into.emplace(day, std::move(row));
        return true;
      });
    };
    t.days.clear();
    t.cohorts.clear();
    each(days_table, &decode_day, t.days);
    each(cohorts_table, &decode_cohort, t.cohorts);
    t.changed_days.clear();
    t.changed_cohorts.clear();
  }
  days_loaded_ = true;
}

void analytics_agent::flush(table_store& tables) {
  // The rows of the days (or cohorts) `changed` of `tenant`: written, or erased when dropped.
  const auto write = [&tables](std::string_view table, const std::string& tenant,
                               std::set<std::int32_t>& changed, const auto& rows, auto encode) {
    for (const auto day : changed) {
      const auto it = rows.find(day);
      if (it == rows.end())
        tables.erase(table, day_key(tenant, day));
      else
        tables.put(table, day_key(tenant, day), encode(day, it->second));
    }
    changed.clear();
  };
  for (auto& entry : state_.tenants) {
    auto& t = entry.second;
    write(days_table, entry.first, t.changed_days, t.days, &encode_day);
    write(cohorts_table, entry.first, t.changed_cohorts, t.cohorts, &encode_cohort);
  }
}

const tenant_state* analytics_agent::tenant_of(const std::string& pseudonym) const {
  const auto it = state_.tenants.find(pseudonym);
  return it == state_.tenants.end() ? nullptr : &it->second;
}

std::pair<std::string, std::string>
analytics_agent::tenant_asked(const kit::task_spec& task) const {
  const std::string requested = kit::params_as<kit::analytics_params>(task.params).tenant;
  const std::string tenant = requested.empty() ? cfg_.default_tenant : requested;
  // The tenant is looked up, and its answers keyed, by the pseudonym of the name asked.
  return {tenant, tenant_pseudonym(key_, tenant)};
}

bytes analytics_agent::part_of(const kit::task_spec& task, std::int64_t time_ms) const {
  const auto [tenant, pseudonym] = tenant_asked(task);
  return tenant_part(tenant_of(pseudonym), query_of(task),
                     kit::params_as<kit::analytics_params>(task.params), cfg_, day_of(time_ms));
}

void analytics_agent::finish(const kit::task_spec& task, const kit::gather_parts& parts,
                             const kit::gather_progress& progress, context& ctx) {
  tenant_state merged;
  bool found = false;
  for (const auto& [partition, data] : parts)
    merge_part(merged, found, data, cfg_);
  const auto [tenant, pseudonym] = tenant_asked(task);
  report r = answer(query_of(task), task, kit::redact(tenant), found ? &merged : nullptr,
                    day_of(progress.asked_ms));
  if (const auto note = kit::progress_note(progress); !note.empty()) r.text += " " + note;
  for (auto& kv : kit::progress_details(progress))
    r.metrics.push_back(std::move(kv));
  const auto status = r.no_data                            ? fbs::ReplyStatus::no_data
                      : r.query == "unknown" || !r.success ? fbs::ReplyStatus::refused
                                                           : fbs::ReplyStatus::answered;
  emit_answer(r, task, pseudonym, status, ctx);
}

report analytics_agent::answer(std::string_view query, const kit::task_spec& task,
                               std::string_view tenant, const tenant_state* t,
                               std::int32_t today) const {
  auto params = kit::params_as<kit::analytics_params>(task.params);
  // Names are kept with personal data masked: asked for the same way.
  params.experiment = kit::redact(params.experiment);
  params.variant_a = kit::redact(params.variant_a);
  params.variant_b = kit::redact(params.variant_b);
  if (query == "active_users") return active_users_report(t, tenant, today, params.period);
  if (query == "popular_features")
    return popular_features_report(
        t, tenant, today, number_param(params.k, cfg_.default_top_k, cfg_.max_top_k),
        number_param(params.days, cfg_.popular_window_days, std::max(cfg_.history_days / 2, 1u)));
  if (query == "retention") return retention_report(t, cfg_, tenant, today);
  if (query == "ab_test")
    return ab_test_report(t, cfg_, tenant, params.experiment, params.variant_a, params.variant_b);
  report r;
  r.query = "unknown";
  r.success = false;
  r.text = "Analytics answers active users, popular features, retention and A/B tests; task "
           "type '" +
           task.type + "' is none of them.";
  return r;
}

void analytics_agent::on_task(const fbs::Task& fb_task, context& ctx) {
  if (view(fb_task.target_agent()) != kind_name) return;
  const kit::task_spec task = kit::read_task(fb_task);
  const std::string query = query_of(task);
  if (refusing_) {
    report r;
    r.query = query.empty() ? "unknown" : query;
    r.success = false;
    r.text = std::string(refusal_text);
    // Without a key there is no pseudonym: the refusal is keyed by the agent, as its report.
    emit_answer(r, task, std::string(kind_name), fbs::ReplyStatus::refused, ctx);
    return;
  }
  const auto [tenant, pseudonym] = tenant_asked(task);
  // A question about a tenant's activity asks every partition, which may hold part of it.
  if (gathered_query(query) && gather_.ask(task, part_of(task, ctx.event_time_ms()), ctx)) return;
  // Answers name the tenant as asked, with any personal data in the name masked.
  const report r =
      answer(query, task, kit::redact(tenant), tenant_of(pseudonym), day_of(ctx.event_time_ms()));
  const auto status = r.no_data                            ? fbs::ReplyStatus::no_data
                      : r.query == "unknown" || !r.success ? fbs::ReplyStatus::refused
                                                           : fbs::ReplyStatus::answered;
  emit_answer(r, task, pseudonym, status, ctx);
}

void analytics_agent::emit_answer(const report& r, const kit::task_spec& task,
                                  const std::string& key, fbs::ReplyStatus status, context& ctx) {
  const std::string& task_id = task.task_id;
  const std::string& type = task.type;
  std::string conversation = task.conversation_id;
  if (conversation.empty()) conversation = task_id;
  auto& b = ctx.builder();
  auto metrics = [&]() {
    std::vector<flatbuffers::Offset<fbs::KeyValue>> kvs;
    for (const auto& [k, v] : r.metrics)
      kvs.push_back(fbs::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
    return kvs;
  };

  if (r.verdict) {
    const auto& v = *r.verdict;
    auto p = fbs::CreateAbVerdictDirect(
        b, v.experiment.c_str(), v.variant_a.c_str(), v.variant_b.c_str(),
        static_cast<std::int64_t>(v.users_a), static_cast<std::int64_t>(v.conversions_a),
        static_cast<std::int64_t>(v.users_b), static_cast<std::int64_t>(v.conversions_b),
        v.result.z, v.result.p_value, v.result.winner.c_str(), v.reason.c_str());
    ctx.emit(output::decisions, key, fbs::Payload::AbVerdict, p.Union(), conversation);
  }
  {
    const auto kvs = metrics();
    auto p =
        fbs::CreateAnalyticsReportDirect(b, r.query.c_str(), r.text.c_str(), &kvs, task_id.c_str());
    ctx.emit(output::decisions, key, fbs::Payload::AnalyticsReport, p.Union(), conversation);
  }
  const kit::key_values details(r.metrics.begin(), r.metrics.end());
  kit::emit_reply(ctx, output::replies, conversation,
                  kit::reply_spec{conversation,
                                  std::string(kind_name),
                                  r.text,
                                  status,
                                  type,
                                  r.success ? 1.0 : 0.0,
                                  {},
                                  details},
                  conversation);
  kit::emit_outcome(ctx, conversation,
                    kit::outcome_spec{task_id, type, std::string(kind_name), r.success, status,
                                      r.text, conversation, details},
                    conversation);
}

std::unique_ptr<agent> make_analytics_agent(const agent_settings& settings) {
  return std::make_unique<analytics_agent>(config_from(settings));
}

} // namespace aetherial::actors::analytics
