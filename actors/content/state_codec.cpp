#include "actors/content/state_codec.hpp"

#include "actors/text/codec.hpp"

namespace aetherial::actors::content {

namespace {

constexpr std::string_view magic = "ACNT";

template <class Map> bool in_order(const Map& m, const std::string& k) {
  return m.empty() || m.rbegin()->first < k;
}

void put_body(text::byte_writer& w, const content_state& s) {
  s.kb.encode(w);
  w.u64(s.df.documents);
  w.term_counts(s.df.df);
  w.count(s.classifier.classes.size());
  for (const auto& [label, c] : s.classifier.classes) {
    w.str(label);
    w.u64(c.documents);
    w.u64(c.tokens);
    w.term_counts(c.terms);
  }
  w.term_counts(s.classifier.vocabulary);
  w.count(s.items.size());
  for (const auto& [id, it] : s.items) {
    w.str(id);
    w.str(it.kind);
    w.term_counts(it.terms);
    w.str(it.label);
    w.u64(it.seq);
  }
  w.count(s.pending.size());
  for (const auto& [id, p] : s.pending) {
    w.str(id);
    w.str(p.kind);
    w.str(p.content_id);
    w.str(p.source_language);
    w.f64(p.language_confidence);
    w.str(p.conversation_id);
    w.str(p.course_id);
    w.str(p.task_id);
    w.str(p.task_type);
    w.str(p.topic);
    w.boolean(p.quizzes);
    w.i64(p.requested_ms);
    w.u64(p.seq);
  }
  w.count(s.courses.size());
  for (const auto& [conv, c] : s.courses) {
    w.str(conv);
    w.str(c.course_id);
    w.str(c.topic);
    w.count(c.modules.size());
    for (const auto& m : c.modules) {
      w.str(m.title);
      w.strings(m.lessons);
      w.str(m.source);
    }
    w.boolean(c.final);
    w.u64(c.seq);
  }
  w.u64(s.events);
}

void get_body(text::byte_reader& r, content_state& s) {
  if (!s.kb.decode(r)) return;
  s.df.documents = r.u64();
  s.df.df = r.term_counts();
  for (std::uint32_t n = r.count(24); n > 0 && r.ok(); --n) {
    std::string label = r.str();
    text::nb_class c;
    c.documents = r.u64();
    c.tokens = r.u64();
    c.terms = r.term_counts();
    if (!in_order(s.classifier.classes, label)) r.fail();
    if (r.ok())
      s.classifier.classes.emplace_hint(s.classifier.classes.end(), std::move(label), std::move(c));
  }
  s.classifier.vocabulary = r.term_counts();
  for (std::uint32_t n = r.count(24); n > 0 && r.ok(); --n) {
    std::string id = r.str();
    item_record it;
    it.kind = r.str();
    it.terms = r.term_counts();
    it.label = r.str();
    it.seq = r.u64();
    if (!in_order(s.items, id)) r.fail();
    if (r.ok()) s.items.emplace_hint(s.items.end(), std::move(id), std::move(it));
  }
  for (std::uint32_t n = r.count(61); n > 0 && r.ok(); --n) {
    std::string id = r.str();
    pending_effect p;
    p.kind = r.str();
    p.content_id = r.str();
    p.source_language = r.str();
    p.language_confidence = r.finite();
    if (!(p.language_confidence >= 0.0 && p.language_confidence <= 1.0)) r.fail();
    p.conversation_id = r.str();
    p.course_id = r.str();
    p.task_id = r.str();
    p.task_type = r.str();
    p.topic = r.str();
    p.quizzes = r.boolean();
    p.requested_ms = r.i64();
    p.seq = r.u64();
    if (!in_order(s.pending, id)) r.fail();
    if (r.ok()) s.pending.emplace_hint(s.pending.end(), std::move(id), std::move(p));
  }
  for (std::uint32_t n = r.count(25); n > 0 && r.ok(); --n) {
    std::string conv = r.str();
    course_plan c;
    c.course_id = r.str();
    c.topic = r.str();
    for (std::uint32_t k = r.count(12); k > 0 && r.ok(); --k) {
      module_plan m;
      m.title = r.str();
      m.lessons = r.strings();
      m.source = r.str();
      c.modules.push_back(std::move(m));
    }
    c.final = r.boolean();
    c.seq = r.u64();
    if (!in_order(s.courses, conv)) r.fail();
    if (r.ok()) s.courses.emplace_hint(s.courses.end(), std::move(conv), std::move(c));
  }
  s.events = r.u64();
}

} // namespace

std::vector<std::uint8_t> encode_state(const content_state& s) {
  text::byte_writer body;
  put_body(body, s);
  return text::seal(magic, state_encoding_version, body.bytes());
}

std::optional<content_state> decode_state(const std::uint8_t* data, std::size_t size,
                                          const text::kb_limits& limits) {
  const auto body = text::unseal(data, size, magic, state_encoding_version);
  if (!body) return std::nullopt;
  content_state s;
  s.kb = text::knowledge_base(limits);
  text::byte_reader r(body->first, body->second);
  get_body(r, s);
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return s;
}

} // namespace aetherial::actors::content
