#include "actors/support/state_codec.hpp"

#include <cmath>
#include <memory>
#include <string>
#include <tuple>

#include "actors/kit/state_maps.hpp"
#include "schemas/state/support_generated.h"

namespace aetherial::actors::support {

namespace {

namespace fb = ::aetherial::state::support;

// The fields a record and its table share, by name.
const auto vote_fields = [](auto& v) { return std::tie(v.up, v.down); };
const auto turn_fields = [](auto& t) {
  return std::tie(t.time_ms, t.text, t.article_id, t.sentiment);
};
const auto conversation_fields = [](auto& c) { return std::tie(c.last_ms, c.last_seq); };
const auto reply_fields = [](auto& r) { return std::tie(r.article_id, r.conversation_id, r.seq); };

bool valid_turn(const turn& t) {
  return std::isfinite(t.sentiment) && t.sentiment >= -1.0 && t.sentiment <= 1.0;
}

std::unique_ptr<fb::ConversationT> to_conversation(const std::string& key, const conversation& c) {
  auto x = std::make_unique<fb::ConversationT>();
  x->id = key;
  x->turns = kit::to_tables<fb::TurnT>(c.turns, turn_fields);
  kit::copy_fields(*x, c, conversation_fields);
  x->handoff_reasons = kit::pack_set(c.handoff_reasons);
  return x;
}

bool from_conversation(const fb::ConversationT& o, std::string& key, conversation& c) {
  key = o.id;
  kit::copy_fields(c, o, conversation_fields);
  return kit::from_tables(o.turns, c.turns, turn_fields, valid_turn) &&
         kit::unpack_set(o.handoff_reasons, c.handoff_reasons);
}

fb::SupportStateT to_fb(const support_state& s) {
  fb::SupportStateT o;
  o.kb = std::make_unique<::aetherial::state::text::KnowledgeBaseT>(s.kb.to_state());
  o.votes = kit::pack_records(s.votes, &fb::ArticleVotesT::article_id, vote_fields);
  o.conversations = kit::pack_map<decltype(o.conversations)>(s.conversations, to_conversation);
  o.replies = kit::pack_records(s.replies, &fb::ReplyT::id, reply_fields);
  o.events = s.events;
  return o;
}

bool from_fb(const fb::SupportStateT& o, support_state& s, const text::kb_limits& limits) {
  s.kb = text::knowledge_base(limits);
  s.events = o.events;
  return o.kb && s.kb.from_state(*o.kb) &&
         kit::unpack_records(o.votes, s.votes, &fb::ArticleVotesT::article_id, vote_fields) &&
         kit::unpack_map(o.conversations, s.conversations, from_conversation) &&
         kit::unpack_records(o.replies, s.replies, &fb::ReplyT::id, reply_fields);
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS_WITH(support_state, fb::SupportState, to_fb, from_fb,
                                     const text::kb_limits&)

} // namespace aetherial::actors::support
