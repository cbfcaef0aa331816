#include "actors/support/state_codec.hpp"

#include <cmath>

#include "actors/text/codec.hpp"

namespace aetherial::actors::support {

namespace {

constexpr std::string_view magic = "ASUP";

void put_body(text::byte_writer& w, const support_state& s) {
  s.kb.encode(w);
  w.count(s.votes.size());
  for (const auto& [id, v] : s.votes) {
    w.str(id);
    w.u32(v.up);
    w.u32(v.down);
  }
  w.count(s.conversations.size());
  for (const auto& [id, c] : s.conversations) {
    w.str(id);
    w.i64(c.last_ms);
    w.u64(c.last_seq);
    w.count(c.handoff_reasons.size());
    for (const auto& r : c.handoff_reasons)
      w.str(r);
    w.count(c.turns.size());
    for (const auto& t : c.turns) {
      w.i64(t.time_ms);
      w.str(t.text);
      w.str(t.article_id);
      w.f64(t.sentiment);
    }
  }
  w.count(s.replies.size());
  for (const auto& [id, r] : s.replies) {
    w.str(id);
    w.str(r.article_id);
    w.str(r.conversation_id);
    w.u64(r.seq);
  }
  w.u64(s.events);
}

// Keys of every map must be strictly increasing, as std::map writes them.
template <class Map> bool in_order(const Map& m, const std::string& k) {
  return m.empty() || m.rbegin()->first < k;
}

void get_body(text::byte_reader& r, support_state& s) {
  if (!s.kb.decode(r)) return;
  for (std::uint32_t n = r.count(12); n > 0 && r.ok(); --n) {
    std::string id = r.str();
    article_votes v;
    v.up = r.u32();
    v.down = r.u32();
    if (!in_order(s.votes, id)) r.fail();
    if (r.ok()) s.votes.emplace_hint(s.votes.end(), std::move(id), v);
  }
  for (std::uint32_t n = r.count(28); n > 0 && r.ok(); --n) {
    std::string id = r.str();
    conversation c;
    c.last_ms = r.i64();
    c.last_seq = r.u64();
    for (std::uint32_t k = r.count(4); k > 0 && r.ok(); --k) {
      std::string reason = r.str();
      if (!c.handoff_reasons.empty() && !(*c.handoff_reasons.rbegin() < reason)) r.fail();
      c.handoff_reasons.insert(c.handoff_reasons.end(), std::move(reason));
    }
    for (std::uint32_t k = r.count(24); k > 0 && r.ok(); --k) {
      turn t;
      t.time_ms = r.i64();
      t.text = r.str();
      t.article_id = r.str();
      t.sentiment = r.finite();
      if (!(t.sentiment >= -1.0 && t.sentiment <= 1.0)) r.fail();
      c.turns.push_back(std::move(t));
    }
    if (!in_order(s.conversations, id)) r.fail();
    if (r.ok()) s.conversations.emplace_hint(s.conversations.end(), std::move(id), std::move(c));
  }
  for (std::uint32_t n = r.count(20); n > 0 && r.ok(); --n) {
    std::string id = r.str();
    reply_record rec;
    rec.article_id = r.str();
    rec.conversation_id = r.str();
    rec.seq = r.u64();
    if (!in_order(s.replies, id)) r.fail();
    if (r.ok()) s.replies.emplace_hint(s.replies.end(), std::move(id), std::move(rec));
  }
  s.events = r.u64();
}

} // namespace

std::vector<std::uint8_t> encode_state(const support_state& s) {
  text::byte_writer body;
  put_body(body, s);
  return text::seal(magic, state_encoding_version, body.bytes());
}

std::optional<support_state> decode_state(const std::uint8_t* data, std::size_t size,
                                          const text::kb_limits& limits) {
  const auto body = text::unseal(data, size, magic, state_encoding_version);
  if (!body) return std::nullopt;
  support_state s;
  s.kb = text::knowledge_base(limits);
  text::byte_reader r(body->first, body->second);
  get_body(r, s);
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return s;
}

} // namespace aetherial::actors::support
