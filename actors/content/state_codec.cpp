#include "actors/content/state_codec.hpp"

#include <cmath>
#include <memory>
#include <string>
#include <tuple>

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

bool from_fb(const fbt::DocumentFrequenciesT* o, text::document_frequencies& df) {
  if (o == nullptr) return false;
  df.documents = o->documents;
  return from_fb(o->terms, df.df);
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

// The fields a record and its table share, by name.
const auto effect_fields = [](auto& p) {
  return std::tie(p.kind, p.content_id, p.source_language, p.language_confidence, p.conversation_id,
                  p.course_id, p.task_id, p.task_type, p.topic, p.quizzes, p.requested_ms, p.seq);
};
const auto item_fields = [](auto& it) { return std::tie(it.kind, it.label, it.seq); };
const auto module_fields = [](auto& m) { return std::tie(m.title, m.lessons, m.source); };
const auto course_fields = [](auto& c) { return std::tie(c.course_id, c.topic, c.final, c.seq); };

bool valid_effect(const pending_effect& p) {
  return std::isfinite(p.language_confidence) && p.language_confidence >= 0.0 &&
         p.language_confidence <= 1.0;
}

std::unique_ptr<fb::CourseT> to_course(const std::string& key, const course_plan& c) {
  auto o = std::make_unique<fb::CourseT>();
  o->conversation_id = key;
  kit::copy_fields(*o, c, course_fields);
  o->modules = kit::to_tables<fb::ModuleT>(c.modules, module_fields);
  return o;
}

bool from_course(const fb::CourseT& o, std::string& key, course_plan& c) {
  key = o.conversation_id;
  kit::copy_fields(c, o, course_fields);
  return kit::from_tables(o.modules, c.modules, module_fields);
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
        kit::copy_fields(*x, it, item_fields);
        x->terms = to_fb(it.terms);
        return x;
      });
  o.pending = kit::pack_records(s.pending, &fb::PendingEffectT::id, effect_fields);
  o.courses = kit::pack_map<decltype(o.courses)>(s.courses, to_course);
  o.events = s.events;
  return o;
}

bool from_fb(const fb::ContentStateT& o, content_state& s, const text::kb_limits& limits) {
  s.kb = text::knowledge_base(limits);
  s.events = o.events;
  return o.kb && s.kb.from_state(*o.kb) && from_fb(o.df.get(), s.df) && o.classifier &&
         from_fb(*o.classifier, s.classifier) &&
         kit::unpack_map(o.items, s.items,
                         [](const fb::ItemT& e, std::string& k, item_record& it) {
                           k = e.id;
                           kit::copy_fields(it, e, item_fields);
                           return from_fb(e.terms, it.terms);
                         }) &&
         kit::unpack_records(o.pending, s.pending, &fb::PendingEffectT::id, effect_fields,
                             valid_effect) &&
         kit::unpack_map(o.courses, s.courses, from_course);
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS_WITH(content_state, fb::ContentState, to_fb, from_fb,
                                     const text::kb_limits&)

} // namespace aetherial::actors::content
