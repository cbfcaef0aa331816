#include "actors/support/state_codec.hpp"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>

#include "actors/kit/state_maps.hpp"
#include "actors/kit/table_rows.hpp"
#include "schemas/state/support_generated.h"

namespace aetherial::actors::support {

namespace {

namespace fb = ::aetherial::state::support;

// The fields a record and its table share, by name.
const auto vote_fields = [](auto& v) { return std::tie(v.up, v.down); };
const auto turn_fields = [](auto& t) {
  return std::tie(t.time_ms, t.text, t.article_id, t.sentiment);
};

bool valid_turn(const turn& t) {
  return std::isfinite(t.sentiment) && t.sentiment >= -1.0 && t.sentiment <= 1.0;
}

fb::SupportStateT to_fb(const support_state& s) {
  fb::SupportStateT o;
  o.kb = std::make_unique<::aetherial::state::text::KnowledgeBaseT>(s.kb.to_state());
  o.votes = kit::pack_records(s.votes, &fb::ArticleVotesT::article_id, vote_fields);
  o.events = s.events;
  return o;
}

bool from_fb(const fb::SupportStateT& o, support_state& s, const text::kb_limits& limits) {
  s.kb = text::knowledge_base(limits);
  s.events = o.events;
  return o.kb && s.kb.from_state(*o.kb) &&
         kit::unpack_records(o.votes, s.votes, &fb::ArticleVotesT::article_id, vote_fields);
}

} // namespace

AETHERIAL_STATE_CODEC_FUNCTIONS_WITH(support_state, fb::SupportState, to_fb, from_fb,
                                     const text::kb_limits&)

bytes encode_conversation(const conversation& c) {
  fb::ConversationRowT o;
  o.turns = kit::to_tables<fb::TurnT>(c.turns, turn_fields);
  o.last_ms = c.last_ms;
  o.handoff_reasons = kit::pack_set(c.handoff_reasons);
  return kit::encode_row<fb::ConversationRow>(o);
}

conversation decode_conversation(const bytes& value) {
  const auto o = kit::decode_row<fb::ConversationRow>(value, "conversations");
  conversation c;
  c.last_ms = o.last_ms;
  if (!kit::from_tables(o.turns, c.turns, turn_fields, valid_turn) ||
      !kit::unpack_set(o.handoff_reasons, c.handoff_reasons))
    kit::impossible_row("conversations");
  return c;
}

bytes encode_reply(const reply_record& r) {
  fb::ReplyRowT o;
  o.article_id = r.article_id;
  o.conversation_id = r.conversation_id;
  o.sent_ms = r.sent_ms;
  return kit::encode_row<fb::ReplyRow>(o);
}

reply_record decode_reply(const bytes& value) {
  const auto o = kit::decode_row<fb::ReplyRow>(value, "replies");
  return reply_record{o.article_id, o.conversation_id, o.sent_ms};
}

} // namespace aetherial::actors::support
