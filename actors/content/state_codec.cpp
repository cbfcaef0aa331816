#include "actors/content/state_codec.hpp"

#include <cmath>
#include <memory>
#include <string>

#include "actors/kit/state_maps.hpp"
#include "schemas/state/content_generated.h"

namespace aetherial::actors::content {

namespace {

namespace fb = ::aetherial::state::content;
namespace fbt = ::aetherial::state::text;
using term_entries = std::vector<std::unique_ptr<fbt::TermCountT>>;

term_entries to_fb(const text::term_counts& m) {
  return kit::pack_map<term_entries>(m, [](const std::string& k, std::uint32_t n) {
    auto x = std::make_unique<fbt::TermCountT>();
    x->term = k;
    x->count = n;
    return x;
  });
}

bool from_fb(const term_entries& v, text::term_counts& m) {
  return kit::unpack_map(v, m, [](const fbt::TermCountT& e, std::string& k, std::uint32_t& n) {
    k = e.term;
    n = e.count;
    return true;
  });
}

std::unique_ptr<fbt::NaiveBayesT> to_fb(const text::naive_bayes& nb) {
  auto o = std::make_unique<fbt::NaiveBayesT>();
  o->classes = kit::pack_map<decltype(o->classes)>(
      nb.classes, [](const std::string& k, const text::nb_class& c) {
        auto x = std::make_unique<fbt::ClassStatsT>();
        x->label = k;
        x->documents = c.documents;
        x->tokens = c.tokens;
        x->terms = to_fb(c.terms);
        return x;
      });
  o->vocabulary = to_fb(nb.vocabulary);
  return o;
}

bool from_fb(const fbt::NaiveBayesT& o, text::naive_bayes& nb) {
  return kit::unpack_map(o.classes, nb.classes,
                         [](const fbt::ClassStatsT& e, std::string& k, text::nb_class& c) {
                           k = e.label;
                           c.documents = e.documents;
                           c.tokens = e.tokens;
                           return from_fb(e.terms, c.terms);
                         }) &&
         from_fb(o.vocabulary, nb.vocabulary);
}

std::unique_ptr<fb::PendingEffectT> to_fb(const std::string& key, const pending_effect& p) {
  auto o = std::make_unique<fb::PendingEffectT>();
  o->id = key;
  o->kind = p.kind;
  o->content_id = p.content_id;
  o->source_language = p.source_language;
  o->language_confidence = p.language_confidence;
  o->conversation_id = p.conversation_id;
  o->course_id = p.course_id;
  o->task_id = p.task_id;
  o->task_type = p.task_type;
  o->topic = p.topic;
  o->quizzes = p.quizzes;
  o->requested_ms = p.requested_ms;
  o->seq = p.seq;
  return o;
}

bool from_fb(const fb::PendingEffectT& o, std::string& key, pending_effect& p) {
  key = o.id;
  p.kind = o.kind;
  p.content_id = o.content_id;
  p.source_language = o.source_language;
  p.language_confidence = o.language_confidence;
  p.conversation_id = o.conversation_id;
  p.course_id = o.course_id;
  p.task_id = o.task_id;
  p.task_type = o.task_type;
  p.topic = o.topic;
  p.quizzes = o.quizzes;
  p.requested_ms = o.requested_ms;
  p.seq = o.seq;
  return std::isfinite(p.language_confidence) && p.language_confidence >= 0.0 &&
         p.language_confidence <= 1.0;
}

std::unique_ptr<fb::CourseT> to_fb(const std::string& key, const course_plan& c) {
  auto o = std::make_unique<fb::CourseT>();
  o->conversation_id = key;
  o->course_id = c.course_id;
  o->topic = c.topic;
  for (const auto& m : c.modules) {
    auto x = std::make_unique<fb::ModuleT>();
    x->title = m.title;
    x->lessons = m.lessons;
    x->source = m.source;
    o->modules.push_back(std::move(x));
  }
  o->final = c.final;
  o->seq = c.seq;
  return o;
}

bool from_fb(const fb::CourseT& o, std::string& key, course_plan& c) {
  key = o.conversation_id;
  c.course_id = o.course_id;
  c.topic = o.topic;
  for (const auto& m : o.modules) {
    if (!m) return false;
    c.modules.push_back(module_plan{m->title, m->lessons, m->source});
  }
  c.final = o.final;
  c.seq = o.seq;
  return true;
}

fb::ContentStateT to_fb(const content_state& s) {
  fb::ContentStateT o;
  o.kb = std::make_unique<fbt::KnowledgeBaseT>(s.kb.to_state());
  o.df = std::make_unique<fbt::DocumentFrequenciesT>();
  o.df->documents = s.df.documents;
  o.df->terms = to_fb(s.df.df);
  o.classifier = to_fb(s.classifier);
  o.items =
      kit::pack_map<decltype(o.items)>(s.items, [](const std::string& k, const item_record& it) {
        auto x = std::make_unique<fb::ItemT>();
        x->id = k;
        x->kind = it.kind;
        x->terms = to_fb(it.terms);
        x->label = it.label;
        x->seq = it.seq;
        return x;
      });
  o.pending = kit::pack_map<decltype(o.pending)>(
      s.pending, [](const std::string& k, const pending_effect& p) { return to_fb(k, p); });
  o.courses = kit::pack_map<decltype(o.courses)>(
      s.courses, [](const std::string& k, const course_plan& c) { return to_fb(k, c); });
  o.events = s.events;
  return o;
}

std::optional<content_state> from_fb(const fb::ContentStateT& o, const text::kb_limits& limits) {
  content_state s;
  s.kb = text::knowledge_base(limits);
  const bool ok = o.kb && s.kb.from_state(*o.kb) && o.df && from_fb(o.df->terms, s.df.df) &&
                  o.classifier && from_fb(*o.classifier, s.classifier) &&
                  kit::unpack_map(o.items, s.items,
                                  [](const fb::ItemT& e, std::string& k, item_record& it) {
                                    k = e.id;
                                    it.kind = e.kind;
                                    it.label = e.label;
                                    it.seq = e.seq;
                                    return from_fb(e.terms, it.terms);
                                  }) &&
                  kit::unpack_map(o.pending, s.pending,
                                  [](const fb::PendingEffectT& e, std::string& k,
                                     pending_effect& p) { return from_fb(e, k, p); }) &&
                  kit::unpack_map(o.courses, s.courses,
                                  [](const fb::CourseT& e, std::string& k, course_plan& c) {
                                    return from_fb(e, k, c);
                                  });
  if (!ok) return std::nullopt;
  s.df.documents = o.df->documents;
  s.events = o.events;
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS_WITH(content_state, fb::ContentState, to_fb, from_fb,
                                     const text::kb_limits&)

} // namespace aetherial::actors::content
