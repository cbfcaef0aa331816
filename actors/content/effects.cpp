// Effects: requests to effect workers, and their results (translations, image analyses, drafts).

#include <algorithm>
#include <utility>

#include "actors/content/common.hpp"
#include "actors/content/content_agent.hpp"
#include "actors/content/course.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/redact.hpp"
#include "actors/kit/task.hpp"
#include "actors/text/language.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::content {

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

  // Masked before it is cut, so that no piece of an address survives the cut unrecognized.
  std::string clipped = text::clip(kit::redact(input), text::max_text_bytes);
  // Keyed like the input that caused it (content id, or conversation id): an effect worker
  // keys the result the same way, so it comes back to the partition that awaits it.
  kit::emit_effect_request(ctx, correlation,
                           kit::effect_request_spec{effect_id, std::string(kind),
                                                    std::move(clipped), correlation,
                                                    "agent:content", std::move(params)},
                           correlation);
  return effect_id;
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

} // namespace aetherial::actors::content
