#include "actors/kit/task.hpp"

#include <algorithm>
#include <charconv>

#include "actors/kit/redact.hpp"

namespace aetherial::actors::kit {

namespace {

using fbb = flatbuffers::FlatBufferBuilder;

template <class P> std::size_t index_of() {
  return task_params(P{}).index();
}

/// Key/values, the values with personal data masked.
std::vector<flatbuffers::Offset<fbs::KeyValue>> build_redacted_kvs(fbb& b, const key_values& kv,
                                                                   const redact_options& o) {
  std::vector<flatbuffers::Offset<fbs::KeyValue>> out;
  out.reserve(kv.size());
  for (const auto& [k, v] : kv)
    out.push_back(fbs::CreateKeyValueDirect(b, k.c_str(), redact(v, o).c_str()));
  return out;
}

/// A string the builder writes only when there is something in it.
flatbuffers::Offset<flatbuffers::String> opt(fbb& b, const std::string& s) {
  return s.empty() ? 0 : b.CreateString(s);
}

std::uint32_t to_u32(const std::string& s) {
  std::uint32_t n = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size() ? n : 0;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    std::string item = s.substr(start, comma == std::string::npos ? comma : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

struct param_builder {
  fbb& b;
  fbs::TaskParams type = fbs::TaskParams::NONE;
  flatbuffers::Offset<void> value;

  void operator()(const std::monostate&) {}
  void operator()(const analytics_params& p) {
    type = fbs::TaskParams::AnalyticsParams;
    value =
        fbs::CreateAnalyticsParams(b, opt(b, p.tenant), opt(b, p.period), p.k, p.days,
                                   opt(b, p.experiment), opt(b, p.variant_a), opt(b, p.variant_b))
            .Union();
  }
  void operator()(const diagnose_params& p) {
    type = fbs::TaskParams::DiagnoseParams;
    value = fbs::CreateDiagnoseParams(b, opt(b, p.subject), opt(b, p.service)).Union();
  }
  void operator()(const deploy_params& p) {
    type = fbs::TaskParams::DeployParams;
    value = fbs::CreateDeployParams(b, opt(b, p.service), opt(b, p.environment), opt(b, p.commit),
                                    opt(b, p.change_id), opt(b, p.change))
                .Union();
  }
  void operator()(const course_params& p) {
    type = fbs::TaskParams::CourseParams;
    const auto topic = opt(b, p.topic);
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>> topics;
    if (!p.topics.empty()) topics = b.CreateVectorOfStrings(p.topics);
    value = fbs::CreateCourseParams(b, topic, topics, p.quizzes, p.confirmed).Union();
  }
  void operator()(const support_params& p) {
    type = fbs::TaskParams::SupportParams;
    value =
        fbs::CreateSupportParams(b, opt(b, p.subject), opt(b, p.topic), opt(b, p.problem)).Union();
  }
  void operator()(const code_request_params& p) {
    type = fbs::TaskParams::CodeRequestParams;
    value = fbs::CreateCodeRequestParams(b, opt(b, p.service), opt(b, p.feature),
                                         opt(b, p.location), opt(b, p.component), opt(b, p.module),
                                         opt(b, p.test_kind), opt(b, p.follows))
                .Union();
  }
  void operator()(const scale_params& p) {
    type = fbs::TaskParams::ScaleParams;
    const auto service = opt(b, p.service);
    const auto environment = opt(b, p.environment);
    value = fbs::CreateScaleParams(b, service, environment, static_cast<std::int32_t>(p.replicas),
                                   static_cast<std::int32_t>(p.step))
                .Union();
  }
};

struct param_printer {
  key_values& out;
  void add(const char* k, const std::string& v) {
    if (!v.empty()) out.emplace_back(k, v);
  }
  void add(const char* k, std::uint32_t v) {
    if (v != 0) out.emplace_back(k, std::to_string(v));
  }
  void operator()(const std::monostate&) {}
  void operator()(const analytics_params& p) {
    add("tenant", p.tenant);
    add("period", p.period);
    add("k", p.k);
    add("days", p.days);
    add("experiment", p.experiment);
    add("variant_a", p.variant_a);
    add("variant_b", p.variant_b);
  }
  void operator()(const diagnose_params& p) {
    add("subject", p.subject);
    add("service", p.service);
  }
  void operator()(const deploy_params& p) {
    add("service", p.service);
    add("environment", p.environment);
    add("commit", p.commit);
    add("change_id", p.change_id);
    add("change", p.change);
  }
  void operator()(const course_params& p) {
    add("topic", p.topic);
    std::string topics;
    for (const auto& t : p.topics)
      topics += (topics.empty() ? "" : ", ") + t;
    add("topics", topics);
    out.emplace_back("quizzes", p.quizzes ? "true" : "false");
    out.emplace_back("confirmed", p.confirmed ? "true" : "false");
  }
  void operator()(const support_params& p) {
    add("subject", p.subject);
    add("topic", p.topic);
    add("problem", p.problem);
  }
  void operator()(const code_request_params& p) {
    add("service", p.service);
    add("feature", p.feature);
    add("location", p.location);
    add("component", p.component);
    add("module", p.module);
    add("test_kind", p.test_kind);
    add("follows", p.follows);
  }
  void operator()(const scale_params& p) {
    add("service", p.service);
    add("environment", p.environment);
    add("replicas", p.replicas);
    add("step", p.step);
  }
};

} // namespace

const std::vector<task_type_info>& task_types() {
  static const std::vector<task_type_info> all = {
      {"analytics.*", "analytics", index_of<analytics_params>()},
      {"operations.diagnose_latency", "operations", index_of<diagnose_params>()},
      {"operations.scale_up", "operations", index_of<scale_params>()},
      {"operations.scale_down", "operations", index_of<scale_params>()},
      {"development.deploy", "development", index_of<deploy_params>()},
      {"development.feature_request", "development", index_of<code_request_params>()},
      {"development.bug_fix", "development", index_of<code_request_params>()},
      {"development.write_tests", "development", index_of<code_request_params>()},
      {"content.create_course", "content", index_of<course_params>()},
      {"support.how_to", "support", index_of<support_params>()},
      {"support.payment_issue", "support", index_of<support_params>()},
      {"support.*", "support", index_of<support_params>()},
  };
  return all;
}

const task_type_info* find_task_type(std::string_view type) {
  for (const auto& t : task_types())
    if (t.type == type) return &t;
  for (const auto& t : task_types()) {
    const auto& f = t.type;
    if (f.size() >= 2 && f.substr(f.size() - 2) == ".*" && type.size() > f.size() - 1 &&
        type.substr(0, f.size() - 1) == f.substr(0, f.size() - 1))
      return &t;
  }
  return nullptr;
}

bool can_do(std::string_view kind, std::string_view type) {
  const auto* t = find_task_type(type);
  return t != nullptr && t->kind == kind;
}

task_spec read_task(const fbs::Task& t) {
  task_spec s;
  s.task_id = str(t.task_id());
  s.type = str(t.type());
  s.target_agent = str(t.target_agent());
  s.priority = t.priority();
  s.conversation_id = str(t.conversation_id());
  s.requested_by = str(t.requested_by());
  s.text = str(t.text());
  s.intent = str(t.intent());
  s.role = str(t.role());
  s.token = str(t.token());
  if (const auto* a = t.params_as_AnalyticsParams()) {
    s.params = analytics_params{str(a->tenant()),   str(a->period()),     a->k(),
                                a->days(),          str(a->experiment()), str(a->variant_a()),
                                str(a->variant_b())};
  } else if (const auto* d = t.params_as_DiagnoseParams()) {
    s.params = diagnose_params{str(d->subject()), str(d->service())};
  } else if (const auto* dp = t.params_as_DeployParams()) {
    s.params = deploy_params{str(dp->service()), str(dp->environment()), str(dp->commit()),
                             str(dp->change_id()), str(dp->change())};
  } else if (const auto* cp = t.params_as_CourseParams()) {
    course_params c;
    c.topic = str(cp->topic());
    if (cp->topics())
      for (const auto* x : *cp->topics())
        if (x != nullptr && x->size() > 0) c.topics.push_back(x->str());
    c.quizzes = cp->quizzes();
    c.confirmed = cp->confirmed();
    s.params = std::move(c);
  } else if (const auto* sp = t.params_as_SupportParams()) {
    s.params = support_params{str(sp->subject()), str(sp->topic()), str(sp->problem())};
  } else if (const auto* cr = t.params_as_CodeRequestParams()) {
    s.params = code_request_params{str(cr->service()),   str(cr->feature()), str(cr->location()),
                                   str(cr->component()), str(cr->module_()), str(cr->test_kind()),
                                   str(cr->follows())};
  } else if (const auto* sc = t.params_as_ScaleParams()) {
    s.params = scale_params{str(sc->service()), str(sc->environment()),
                            static_cast<std::uint32_t>(std::max(0, sc->replicas())),
                            static_cast<std::uint32_t>(std::max(0, sc->step()))};
  }
  return s;
}

flatbuffers::Offset<fbs::Task> build_task(flatbuffers::FlatBufferBuilder& b, const task_spec& t) {
  param_builder pb{b};
  std::visit(pb, t.params);
  const auto task_id = b.CreateString(t.task_id);
  const auto type = b.CreateString(t.type);
  const auto target = b.CreateString(t.target_agent);
  const auto conversation = b.CreateString(t.conversation_id);
  const auto by = b.CreateString(t.requested_by);
  const auto text = opt(b, t.text);
  const auto intent = opt(b, t.intent);
  const auto role = opt(b, t.role);
  const auto token = opt(b, t.token);
  return fbs::CreateTask(b, task_id, type, target, t.priority, conversation, by, text, intent, role,
                         pb.type, pb.value, token);
}

void emit_task(context& ctx, std::string_view key, const task_spec& t,
               std::string_view correlation) {
  const auto p = build_task(ctx.builder(), t);
  ctx.emit(output::tasks, key, fbs::Payload::Task, p.Union(), correlation);
}

key_values param_strings(const task_params& p) {
  key_values out;
  std::visit(param_printer{out}, p);
  return out;
}

task_params params_from_strings(std::string_view type,
                                const std::map<std::string, std::string>& kv) {
  const auto get = [&](const char* k) {
    const auto it = kv.find(k);
    return it == kv.end() ? std::string() : it->second;
  };
  const auto* info = find_task_type(type);
  if (info == nullptr) return {};
  const std::size_t i = info->params_index;
  if (i == index_of<analytics_params>())
    return analytics_params{get("tenant"),       get("period"),     to_u32(get("k")),
                            to_u32(get("days")), get("experiment"), get("variant_a"),
                            get("variant_b")};
  if (i == index_of<diagnose_params>()) return diagnose_params{get("subject"), get("service")};
  if (i == index_of<deploy_params>())
    return deploy_params{get("service"), get("environment"), get("commit"), get("change_id"),
                         get("change")};
  if (i == index_of<course_params>())
    return course_params{get("topic"), split_list(get("topics")), get("quizzes") == "true",
                         get("confirmed") == "true"};
  if (i == index_of<support_params>())
    return support_params{get("subject"), get("topic"), get("problem")};
  if (i == index_of<code_request_params>())
    return code_request_params{get("service"), get("feature"),   get("location"), get("component"),
                               get("module"),  get("test_kind"), get("follows")};
  if (i == index_of<scale_params>())
    return scale_params{get("service"), get("environment"), to_u32(get("replicas")),
                        to_u32(get("step"))};
  return {};
}

task_spec task_from_strings(std::string_view type, const std::map<std::string, std::string>& kv) {
  task_spec t;
  t.type = std::string(type);
  for (const char* k : {"text", "question", "message"}) {
    const auto it = kv.find(k);
    if (it != kv.end() && !it->second.empty()) {
      t.text = it->second;
      break;
    }
  }
  if (const auto it = kv.find("intent"); it != kv.end()) t.intent = it->second;
  if (const auto it = kv.find("role"); it != kv.end()) t.role = it->second;
  t.params = params_from_strings(type, kv);
  return t;
}

std::string_view status_name(fbs::ReplyStatus s) noexcept {
  return fbs::EnumNameReplyStatus(s);
}

bool is_final(fbs::ReplyStatus s) noexcept {
  switch (s) {
    case fbs::ReplyStatus::answered:
    case fbs::ReplyStatus::refused:
    case fbs::ReplyStatus::escalated:
    case fbs::ReplyStatus::needs_confirmation:
    case fbs::ReplyStatus::failed:
    case fbs::ReplyStatus::no_data: return true;
    default: return false;
  }
}

void emit_reply(context& ctx, output to, std::string_view key, const reply_spec& r,
                std::string_view correlation) {
  auto& b = ctx.builder();
  std::vector<flatbuffers::Offset<flatbuffers::String>> citations;
  citations.reserve(r.citations.size());
  for (const auto& c : r.citations)
    citations.push_back(b.CreateString(c));
  const redact_options masking = reply_redaction(r.agent);
  const auto details = build_redacted_kvs(b, r.details, masking);
  const std::string text = redact(r.text, masking);
  const auto p =
      fbs::CreateReplyDirect(b, r.conversation_id.c_str(), r.agent.c_str(), text.c_str(),
                             r.intent.c_str(), r.confidence, &citations, &details, r.status);
  ctx.emit(to, key, fbs::Payload::Reply, p.Union(), correlation);
}

void emit_outcome(context& ctx, std::string_view key, const outcome_spec& o,
                  std::string_view correlation) {
  auto& b = ctx.builder();
  const redact_options masking = reply_redaction(o.agent);
  const auto results = build_redacted_kvs(b, o.results, masking);
  const std::string detail = redact(o.detail, masking);
  const auto p =
      fbs::CreateTaskOutcomeDirect(b, o.task_id.c_str(), o.type.c_str(), o.agent.c_str(), o.success,
                                   detail.c_str(), o.conversation_id.c_str(), &results, o.status);
  ctx.emit(output::tasks, key, fbs::Payload::TaskOutcome, p.Union(), correlation);
}

void emit_effect_request(context& ctx, std::string_view key, const effect_request_spec& e,
                         std::string_view correlation) {
  auto& b = ctx.builder();
  const auto params = build_redacted_kvs(b, e.params, redact_options{});
  const std::string input = redact(e.input);
  const auto p =
      fbs::CreateEffectRequestDirect(b, e.effect_id.c_str(), e.kind.c_str(), input.c_str(),
                                     e.conversation_id.c_str(), e.requested_by.c_str(), &params);
  ctx.request_effect(key, fbs::Payload::EffectRequest, p.Union(), correlation);
}

} // namespace aetherial::actors::kit
