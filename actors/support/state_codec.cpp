#include "actors/support/state_codec.hpp"

#include <cmath>
#include <memory>
#include <string>

#include "actors/kit/state_maps.hpp"
#include "schemas/state/support_generated.h"

namespace aetherial::actors::support {

namespace {

namespace fb = ::aetherial::state::support;

fb::SupportStateT to_fb(const support_state& s) {
  fb::SupportStateT o;
  o.kb = std::make_unique<::aetherial::state::text::KnowledgeBaseT>(s.kb.to_state());
  o.votes =
      kit::pack_map<decltype(o.votes)>(s.votes, [](const std::string& k, const article_votes& v) {
        auto x = std::make_unique<fb::ArticleVotesT>();
        x->article_id = k;
        x->up = v.up;
        x->down = v.down;
        return x;
      });
  o.conversations = kit::pack_map<decltype(o.conversations)>(
      s.conversations, [](const std::string& k, const conversation& c) {
        auto x = std::make_unique<fb::ConversationT>();
        x->id = k;
        for (const auto& t : c.turns) {
          auto y = std::make_unique<fb::TurnT>();
          y->time_ms = t.time_ms;
          y->text = t.text;
          y->article_id = t.article_id;
          y->sentiment = t.sentiment;
          x->turns.push_back(std::move(y));
        }
        x->last_ms = c.last_ms;
        x->last_seq = c.last_seq;
        x->handoff_reasons = kit::pack_set(c.handoff_reasons);
        return x;
      });
  o.replies = kit::pack_map<decltype(o.replies)>(s.replies,
                                                 [](const std::string& k, const reply_record& r) {
                                                   auto x = std::make_unique<fb::ReplyT>();
                                                   x->id = k;
                                                   x->article_id = r.article_id;
                                                   x->conversation_id = r.conversation_id;
                                                   x->seq = r.seq;
                                                   return x;
                                                 });
  o.events = s.events;
  return o;
}

bool from_fb(const fb::ConversationT& o, std::string& key, conversation& c) {
  key = o.id;
  for (const auto& t : o.turns) {
    if (!t || !std::isfinite(t->sentiment) || t->sentiment < -1.0 || t->sentiment > 1.0)
      return false;
    c.turns.push_back(turn{t->time_ms, t->text, t->article_id, t->sentiment});
  }
  c.last_ms = o.last_ms;
  c.last_seq = o.last_seq;
  return kit::unpack_set(o.handoff_reasons, c.handoff_reasons);
}

std::optional<support_state> from_fb(const fb::SupportStateT& o, const text::kb_limits& limits) {
  support_state s;
  s.kb = text::knowledge_base(limits);
  const bool ok = o.kb && s.kb.from_state(*o.kb) &&
                  kit::unpack_map(o.votes, s.votes,
                                  [](const fb::ArticleVotesT& e, std::string& k, article_votes& v) {
                                    k = e.article_id;
                                    v.up = e.up;
                                    v.down = e.down;
                                    return true;
                                  }) &&
                  kit::unpack_map(o.conversations, s.conversations,
                                  [](const fb::ConversationT& e, std::string& k, conversation& c) {
                                    return from_fb(e, k, c);
                                  }) &&
                  kit::unpack_map(o.replies, s.replies,
                                  [](const fb::ReplyT& e, std::string& k, reply_record& r) {
                                    k = e.id;
                                    r.article_id = e.article_id;
                                    r.conversation_id = e.conversation_id;
                                    r.seq = e.seq;
                                    return true;
                                  });
  if (!ok) return std::nullopt;
  s.events = o.events;
  return s;
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS_WITH(support_state, fb::SupportState, to_fb, from_fb,
                                     const text::kb_limits&)

} // namespace aetherial::actors::support
