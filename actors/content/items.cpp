// Content items: moderation verdicts, tags and summaries, remembered terms, and moderator labels.

#include <algorithm>
#include <utility>

#include "actors/content/common.hpp"
#include "actors/content/content_agent.hpp"
#include "actors/content/course.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"
#include "actors/text/language.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::content {

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

} // namespace aetherial::actors::content
