#pragma once
// The state of one User Support agent (one partition), as plain ordered data: the scalar
// part (knowledge base, votes) and the records of its tables (a conversation, a reply), which
// live in the "conversations" and "replies" tables (tables.hpp). Owned by the agent; encoded
// by state_codec.hpp.

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "actors/text/knowledge_base.hpp"

namespace aetherial::actors::support {

/// One user turn of a conversation (short-term memory).
struct turn {
  std::int64_t time_ms = 0;
  std::string text;       ///< the message, clipped
  std::string article_id; ///< the article the answer cited, or empty
  double sentiment = 0.0;
};

/// A conversation's short-term memory (a row of the "conversations" table).
struct conversation {
  std::deque<turn> turns;                ///< oldest first, at most max_turns
  std::int64_t last_ms = 0;              ///< event time of its last message
  std::set<std::string> handoff_reasons; ///< reasons already handed to a person
};

/// Thumbs up and down on an article.
struct article_votes {
  std::uint32_t up = 0;
  std::uint32_t down = 0;
};

/// A reply the agent sent, remembered so feedback on it reaches its article (a row of the
/// "replies" table).
struct reply_record {
  std::string article_id;
  std::string conversation_id;
  std::int64_t sent_ms = 0; ///< event time it was sent at
};

/// The scalar state of a User Support agent.
struct support_state {
  text::knowledge_base kb;                    ///< semantic memory
  std::map<std::string, article_votes> votes; ///< by article id
  std::uint64_t events = 0;                   ///< events handled
};

} // namespace aetherial::actors::support
