#include "actors/content/content_agent.hpp"

#include <algorithm>
#include <utility>

#include "actors/content/course.hpp"
#include "actors/content/state_codec.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"
#include "actors/text/language.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::content {

namespace {

using kit::view;

std::string quoted(std::string_view s) {
  std::string q = "\"";
  q += s;
  q += '"';
  return q;
}

std::string lower_ascii(std::string_view s) {
  std::string l(s);
  for (auto& c : l)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return l;
}

/// Erases the entry with the smallest `seq` (ties: the smallest key) other than `keep`.
template <class Map> void evict_oldest(Map& m, std::size_t cap, const std::string& keep) {
  while (m.size() > cap) {
    auto victim = m.end();
    for (auto i = m.begin(); i != m.end(); ++i)
      if (i->first != keep && (victim == m.end() || i->second.seq < victim->second.seq)) victim = i;
    if (victim == m.end()) return;
    m.erase(victim);
  }
}

constexpr std::string_view create_course_type = "content.create_course";

/// The id of an effect: deterministic, and unique per cause, so a replay asks for the same
/// effect by the same id and a worker can deduplicate.
std::string effect_id_of(std::string_view kind, std::string_view subject, const context& ctx) {
  return "content/" + std::string(kind) + "/" + std::string(subject) + "/" +
         ctx.cause_id().to_string();
}

} // namespace

content_agent::content_agent(content_config cfg) : cfg_(std::move(cfg)), blocked_(cfg_.blocklist) {
  state_.kb = text::knowledge_base(cfg_.knowledge_base);
}

void content_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  switch (event.payload_type()) {
    case fbs::Payload::ContentItem: on_item(*event.payload_as_ContentItem(), event, ctx); break;
    case fbs::Payload::Feedback: on_label(*event.payload_as_Feedback()); break;
    case fbs::Payload::Task: on_task(*event.payload_as_Task(), event, ctx); break;
    case fbs::Payload::EffectResult: on_effect_result(*event.payload_as_EffectResult(), ctx); break;
    case fbs::Payload::KnowledgeArticle: on_article(*event.payload_as_KnowledgeArticle()); break;
    default:
      // Support messages, decisions (this agent's own included) and other payloads carry
      // nothing to act on.
      break;
  }
}

void content_agent::on_article(const fbs::KnowledgeArticle& a) {
  std::vector<std::string> tags;
  if (a.tags())
    for (const auto* t : *a.tags())
      if (t != nullptr && t->size() > 0) tags.push_back(t->str());
  (void)state_.kb.apply(view(a.article_id()), view(a.title()), view(a.body()), std::move(tags),
                        a.active());
}

void content_agent::remember_item(const std::string& content_id, const std::string& kind,
                                  const text::term_counts& terms, bool extend) {
  auto [it, added] = state_.items.try_emplace(content_id);
  auto& rec = it->second;
  if (added) {
    state_.df.add(terms);
    state_.df.bound(cfg_.max_vocabulary);
  }
  if (!rec.label.empty()) state_.classifier.unlearn(rec.label, rec.terms);
  if (extend) {
    for (const auto& [t, n] : terms)
      rec.terms[t] += n;
  } else {
    rec.terms = terms;
    rec.kind = kind;
  }
  // A labelled item that changes teaches the classifier its new terms under the same label.
  if (!rec.label.empty()) state_.classifier.learn(rec.label, rec.terms);
  rec.seq = state_.events;
  evict_oldest(state_.items, cfg_.max_items, content_id);
}

void content_agent::on_item(const fbs::ContentItem& item, const fbs::Envelope& event,
                            context& ctx) {
  std::string id(view(item.content_id()));
  if (id.empty()) id = std::string(view(event.key()));
  if (id.empty()) return;
  std::string kind(view(item.kind()));
  if (kind.empty()) kind = "post";
  const std::string_view title = view(item.title());
  const std::string_view body = view(item.text());

  if (kind == "image") {
    // What is known before analysis: title, caption and the scanner's metadata.
    std::string meta(title);
    if (!body.empty()) meta += (meta.empty() ? "" : "\n") + std::string(body);
    std::vector<std::pair<std::string, std::string>> params;
    if (item.attributes())
      for (const auto* kv : *item.attributes())
        if (kv != nullptr) {
          params.emplace_back(std::string(view(kv->key())), std::string(view(kv->value())));
          meta += (meta.empty() ? "" : "\n") + params.back().second;
        }
    remember_item(id, kind, text::count_terms(meta), false);
    const auto screened =
        moderate(text::words(meta), text::count_terms(meta), blocked_, state_.classifier, cfg_);
    if (screened.verdict == "remove") {
      // The metadata alone removes it: no analysis is needed.
      judge(id, meta, meta, std::string(text::undetermined_language), 0.0,
            {"image removed on its metadata, without analysis"}, ctx);
      return;
    }
    params.emplace_back("content_id", id);
    pending_effect p;
    p.kind = "image_analysis";
    p.content_id = id;
    (void)request("image_analysis", id, meta, std::move(params), std::move(p), ctx);
    return;
  }

  std::string full(title);
  if (!body.empty()) full += (full.empty() ? "" : ".\n") + std::string(body);
  remember_item(id, kind, text::count_terms(full), false);
  const auto lang = text::detect_language(full);
  std::vector<std::string> extra;
  const bool translate = !cfg_.translate_to.empty() && lang.code != text::undetermined_language &&
                         lang.code != cfg_.translate_to &&
                         lang.confidence >= cfg_.translate_min_confidence;
  std::string effect_id;
  if (translate) {
    effect_id = effect_id_of("translate", id, ctx);
    extra.push_back("language " + lang.code + " (" + kit::fixed(lang.confidence) +
                    "): translation to " + cfg_.translate_to + " requested (effect " + effect_id +
                    "), the verdict will be reviewed on the translation");
  }
  judge(id, full, body.empty() ? title : body, lang.code, lang.confidence, std::move(extra), ctx);
  if (translate) {
    pending_effect p;
    p.kind = "translate";
    p.content_id = id;
    p.source_language = lang.code;
    p.language_confidence = lang.confidence;
    (void)request("translate", id, full,
                  {{"source_language", lang.code},
                   {"target_language", cfg_.translate_to},
                   {"content_id", id}},
                  std::move(p), ctx);
  }
}

void content_agent::judge(const std::string& content_id, const std::string& text_to_judge,
                          std::string_view summary_source, const std::string& language,
                          double language_confidence, std::vector<std::string> extra,
                          context& ctx) {
  const auto analyzed = text::analyze(text_to_judge);
  const auto m =
      moderate(text::words(text_to_judge), analyzed.counts, blocked_, state_.classifier, cfg_);
  std::vector<std::string> reasons = std::move(extra);
  reasons.insert(reasons.end(), m.reasons.begin(), m.reasons.end());
  const std::string summary =
      text::summarize(summary_source, state_.df, cfg_.summary_sentences, cfg_.summary_max_bytes);
  auto& b = ctx.builder();
  std::vector<flatbuffers::Offset<flatbuffers::String>> reason_offsets;
  for (const auto& r : reasons)
    reason_offsets.push_back(b.CreateString(r));
  std::vector<flatbuffers::Offset<flatbuffers::String>> tags;
  for (const auto& k : text::top_keywords(analyzed, state_.df, cfg_.tags))
    tags.push_back(b.CreateString(k.word));
  auto v = fbs::CreateModerationVerdictDirect(b, content_id.c_str(), m.verdict.c_str(), m.score,
                                              &reason_offsets, &tags, summary.c_str(),
                                              language.c_str(), language_confidence);
  ctx.emit(output::decisions, content_id, fbs::Payload::ModerationVerdict, v.Union(), content_id);
}

std::string content_agent::request(std::string_view kind, std::string_view subject,
                                   const std::string& input,
                                   std::vector<std::pair<std::string, std::string>> params,
                                   pending_effect pending, context& ctx) {
  std::string effect_id = effect_id_of(kind, subject, ctx);
  const std::string correlation =
      pending.conversation_id.empty() ? pending.content_id : pending.conversation_id;
  pending.requested_ms = ctx.event_time_ms();
  pending.seq = state_.events;
  state_.pending[effect_id] = std::move(pending);
  evict_oldest(state_.pending, cfg_.max_pending_effects, effect_id);

  auto& b = ctx.builder();
  std::vector<flatbuffers::Offset<fbs::KeyValue>> kvs;
  for (const auto& [k, v] : params)
    kvs.push_back(fbs::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
  const std::string kind_text(kind);
  const std::string clipped = text::clip(input, text::max_text_bytes);
  auto r = fbs::CreateEffectRequestDirect(b, effect_id.c_str(), kind_text.c_str(), clipped.c_str(),
                                          correlation.c_str(), "agent:content", &kvs);
  // Keyed like the input that caused it (content id, or conversation id): an effect worker
  // keys the result the same way, so it comes back to the partition that awaits it.
  ctx.request_effect(correlation, fbs::Payload::EffectRequest, r.Union(), correlation);
  return effect_id;
}

void content_agent::on_label(const fbs::Feedback& f) {
  if (view(f.kind()) != "moderator_label") return;
  const std::string label = lower_ascii(view(f.label()));
  if (!is_known_label(label)) return;
  const auto it = state_.items.find(std::string(view(f.target_id())));
  // A label for an item this partition never saw (or forgot) has no terms to learn from.
  if (it == state_.items.end() || it->second.label == label) return;
  auto& rec = it->second;
  if (!rec.label.empty()) state_.classifier.unlearn(rec.label, rec.terms);
  state_.classifier.learn(label, rec.terms);
  state_.classifier.bound(cfg_.max_vocabulary);
  rec.label = label;
}

void content_agent::on_task(const fbs::Task& task, const fbs::Envelope& event, context& ctx) {
  if (view(task.target_agent()) != kind_name) return;
  const kit::task_spec t = kit::read_task(task);
  const std::string& task_id = t.task_id;
  const std::string& type = t.type;
  std::string conv = t.conversation_id;
  if (conv.empty()) conv = std::string(view(event.key()));

  auto fail = [&](const std::string& why) {
    kit::emit_reply(ctx, output::replies, conv,
                    kit::reply_spec{conv, "content", why, fbs::ReplyStatus::refused, type}, conv);
    kit::emit_outcome(
        ctx, conv,
        kit::outcome_spec{task_id, type, "content", false, fbs::ReplyStatus::refused, why, conv},
        conv);
  };
  if (!kit::can_do(kind_name, type)) {
    fail("The content agent does not handle tasks of type " + quoted(type) + ".");
    return;
  }
  const auto params = kit::params_as<kit::course_params>(t.params);
  // The topics named in the dialogue weigh in like the request's own words.
  std::string request_text = t.text;
  for (const auto& x : params.topics)
    request_text += (request_text.empty() ? "" : ", ") + x;
  const std::string topic_param = course_topic(params.topic, "");
  const bool quizzes = params.quizzes;
  const bool confirmed = params.confirmed;

  // A confirmation finalizes the outline proposed earlier in the conversation, as proposed,
  // unless it names another topic.
  const auto existing = state_.courses.find(conv);
  if ((confirmed || quizzes) && existing != state_.courses.end() &&
      !existing->second.modules.empty() &&
      (topic_param.empty() || lower_ascii(existing->second.topic) == lower_ascii(topic_param))) {
    course_plan& plan = existing->second;
    plan.final = true;
    plan.seq = state_.events;
    publish_course(conv, plan, quizzes, task_id, type, "the proposed outline, confirmed", ctx);
    return;
  }

  const std::string topic = course_topic(topic_param, request_text);
  if (topic.empty()) {
    fail("A course needs a topic: give a param topic, or say what the course is about.");
    return;
  }
  const std::string course_id =
      "course/" + (task_id.empty() ? ctx.cause_id().to_string() : task_id);
  auto modules = plan_from_knowledge_base(state_.kb, topic, request_text, cfg_);
  if (modules.empty()) {
    pending_effect p;
    p.kind = "llm";
    p.conversation_id = conv;
    p.course_id = course_id;
    p.task_id = task_id;
    p.task_type = type;
    p.topic = topic;
    p.quizzes = quizzes;
    const std::string prompt =
        "Draft a course outline about " + topic +
        ": one module title per line, each module's lessons on indented lines below it." +
        (request_text.empty() ? std::string() : " The request: " + request_text);
    const std::string effect_id = request(
        "llm", course_id, prompt,
        {{"topic", topic}, {"course_id", course_id}, {"quizzes", quizzes ? "true" : "false"}},
        std::move(p), ctx);
    const std::string text = "The knowledge base has no article about " + quoted(topic) +
                             ", so a language model was asked to draft the outline (effect " +
                             effect_id + "). The outline follows when its answer is recorded.";
    kit::emit_reply(ctx, output::replies, conv,
                    kit::reply_spec{conv,
                                    "content",
                                    text,
                                    fbs::ReplyStatus::pending,
                                    type,
                                    0.0,
                                    {},
                                    {{"effect_id", effect_id}, {"course_id", course_id}}},
                    conv);
    return;
  }
  course_plan plan;
  plan.course_id = course_id;
  plan.topic = topic;
  plan.modules = std::move(modules);
  plan.final = confirmed || quizzes;
  plan.seq = state_.events;
  auto& stored = state_.courses[conv] = std::move(plan);
  evict_oldest(state_.courses, cfg_.max_courses, conv);
  publish_course(conv, stored, quizzes, task_id, type, "the knowledge base", ctx);
}

void content_agent::publish_course(const std::string& conv, const course_plan& plan, bool quizzes,
                                   const std::string& task_id, const std::string& task_type,
                                   std::string_view origin, context& ctx) {
  const bool with_quiz = plan.final && quizzes;
  std::vector<std::string> sources;
  std::size_t grounded = 0;
  for (const auto& m : plan.modules) {
    if (std::find(sources.begin(), sources.end(), m.source) == sources.end())
      sources.push_back(m.source);
    if (m.source.rfind("content/llm/", 0) != 0) ++grounded;
  }
  const double grounding =
      plan.modules.empty() ? 0.0 : static_cast<double>(grounded) / plan.modules.size();

  std::string listing;
  for (std::size_t i = 0; i < plan.modules.size(); ++i) {
    const auto& m = plan.modules[i];
    listing += (i ? "; " : "") + kit::integer(static_cast<std::int64_t>(i + 1)) + ". " + m.title +
               " (" + kit::integer(static_cast<std::int64_t>(m.lessons.size())) +
               (m.lessons.size() == 1 ? " lesson" : " lessons") + (with_quiz ? ", quiz)" : ")");
  }
  const std::string n_modules = kit::integer(static_cast<std::int64_t>(plan.modules.size()));
  std::string text;
  if (plan.final) {
    text = "Course " + quoted(plan.topic) + " is ready with " + n_modules + " modules from " +
           std::string(origin) + ": " + listing + ".";
  } else {
    text = "Proposed course " + quoted(plan.topic) + " with " + n_modules + " modules from " +
           std::string(origin) + ": " + listing +
           ". Confirm to finalize it, and say whether each module should end with a quiz.";
  }
  const auto status =
      plan.final ? fbs::ReplyStatus::answered : fbs::ReplyStatus::needs_confirmation;

  auto& b = ctx.builder();
  {
    std::vector<flatbuffers::Offset<fbs::CourseModule>> modules;
    for (const auto& m : plan.modules) {
      std::vector<flatbuffers::Offset<flatbuffers::String>> lessons;
      for (const auto& l : m.lessons)
        lessons.push_back(b.CreateString(l));
      modules.push_back(fbs::CreateCourseModuleDirect(b, m.title.c_str(), &lessons, with_quiz));
    }
    std::vector<flatbuffers::Offset<flatbuffers::String>> src;
    for (const auto& s : sources)
      src.push_back(b.CreateString(s));
    auto outline = fbs::CreateCourseOutlineDirect(b, plan.course_id.c_str(), plan.topic.c_str(),
                                                  &modules, &src, conv.c_str());
    ctx.emit(output::decisions, conv, fbs::Payload::CourseOutline, outline.Union(), conv);
  }
  kit::emit_reply(ctx, output::replies, conv,
                  kit::reply_spec{conv,
                                  "content",
                                  text,
                                  status,
                                  task_type,
                                  grounding,
                                  sources,
                                  {{"course_id", plan.course_id},
                                   {"modules", n_modules},
                                   {"quizzes", with_quiz ? "true" : "false"},
                                   {"confidence_meaning", "share of modules from articles"}}},
                  conv);
  const std::string detail = (plan.final ? "final outline of " : "proposed outline of ") +
                             n_modules + " modules for " + quoted(plan.topic);
  kit::emit_outcome(ctx, conv,
                    kit::outcome_spec{task_id,
                                      task_type,
                                      "content",
                                      true,
                                      status,
                                      detail,
                                      conv,
                                      {{"course_id", plan.course_id},
                                       {"status", std::string(kit::status_name(status))},
                                       {"modules", n_modules}}},
                    conv);
}

void content_agent::on_effect_result(const fbs::EffectResult& r, context& ctx) {
  const std::string effect_id(view(r.effect_id()));
  const auto it = state_.pending.find(effect_id);
  // Results of other agents' effects (and repeats of a consumed one) are not ours to act on.
  if (it == state_.pending.end()) return;
  const pending_effect p = std::move(it->second);
  state_.pending.erase(it);
  if (p.kind == "translate")
    on_translation(effect_id, p, r, ctx);
  else if (p.kind == "image_analysis")
    on_image_analysis(effect_id, p, r, ctx);
  else if (p.kind == "llm")
    on_draft(effect_id, p, r, ctx);
}

void content_agent::on_translation(const std::string& effect_id, const pending_effect& p,
                                   const fbs::EffectResult& r, context& ctx) {
  const std::string translated(view(r.output()));
  // A failed translation leaves the verdict on the original text standing.
  if (!r.success() || translated.empty()) return;
  remember_item(p.content_id, "", text::count_terms(translated), true);
  judge(p.content_id, translated, translated, p.source_language, p.language_confidence,
        {"moderated on the translation from " + p.source_language + " (effect " + effect_id + ")"},
        ctx);
}

void content_agent::on_image_analysis(const std::string& effect_id, const pending_effect& p,
                                      const fbs::EffectResult& r, context& ctx) {
  const std::string analysis(view(r.output()));
  if (r.success() && !analysis.empty()) {
    remember_item(p.content_id, "", text::count_terms(analysis), true);
    const auto lang = text::detect_language(analysis);
    judge(p.content_id, analysis, analysis, lang.code, lang.confidence,
          {"moderated on the image analysis (effect " + effect_id + ")"}, ctx);
    return;
  }
  // Without an analysis nobody has seen the image: a moderator must.
  const std::string reason = "image analysis failed (effect " + effect_id +
                             "): " + std::string(view(r.detail())) + "; a moderator must review it";
  auto& b = ctx.builder();
  std::vector<flatbuffers::Offset<flatbuffers::String>> reasons{b.CreateString(reason)};
  std::vector<flatbuffers::Offset<flatbuffers::String>> tags;
  auto v = fbs::CreateModerationVerdictDirect(b, p.content_id.c_str(), "flag", 0.0, &reasons, &tags,
                                              "", text::undetermined_language.data(), 0.0);
  ctx.emit(output::decisions, p.content_id, fbs::Payload::ModerationVerdict, v.Union(),
           p.content_id);
}

void content_agent::on_draft(const std::string& effect_id, const pending_effect& p,
                             const fbs::EffectResult& r, context& ctx) {
  auto modules =
      r.success() ? plan_from_draft(view(r.output()), effect_id, cfg_) : std::vector<module_plan>{};
  if (modules.empty()) {
    const std::string why = "No outline for " + quoted(p.topic) +
                            ": the knowledge base has no article about it and the language "
                            "model gave no draft (effect " +
                            effect_id + ": " + std::string(view(r.detail())) + ").";
    kit::emit_reply(
        ctx, output::replies, p.conversation_id,
        kit::reply_spec{p.conversation_id, "content", why, fbs::ReplyStatus::refused, p.task_type},
        p.conversation_id);
    kit::emit_outcome(ctx, p.conversation_id,
                      kit::outcome_spec{p.task_id, p.task_type, "content", false,
                                        fbs::ReplyStatus::refused, why, p.conversation_id},
                      p.conversation_id);
    return;
  }
  // A drafted outline is always proposed first: a person confirms what a model wrote.
  course_plan plan;
  plan.course_id = p.course_id;
  plan.topic = p.topic;
  plan.modules = std::move(modules);
  plan.final = false;
  plan.seq = state_.events;
  auto& stored = state_.courses[p.conversation_id] = std::move(plan);
  evict_oldest(state_.courses, cfg_.max_courses, p.conversation_id);
  publish_course(p.conversation_id, stored, p.quizzes, p.task_id, p.task_type,
                 "a language model's draft", ctx);
}

bytes content_agent::snapshot() const {
  return encode_state(state_);
}

bool content_agent::restore(const std::uint8_t* data, std::size_t size) {
  auto decoded = decode_state(data, size, cfg_.knowledge_base);
  if (!decoded) return false;
  state_ = std::move(*decoded);
  return true;
}

std::unique_ptr<agent> make_content_agent(const agent_settings& settings) {
  return std::make_unique<content_agent>(config_from(settings));
}

} // namespace aetherial::actors::content
