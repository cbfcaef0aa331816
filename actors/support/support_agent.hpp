#pragma once
// The User Support agent: answers support messages and support tasks from the knowledge
// base (BM25, re-ranked by feedback), keeps a short multi-turn memory per conversation (a
// row of its "conversations" table, forgotten when idle), and hands a conversation to a person on
// money matters, negative sentiment or low confidence. Replies go to aetherial.replies, handoffs to
// aetherial.decisions, task outcomes to aetherial.tasks; all keyed and correlated by conversation
// id.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"
#include "actors/kit/agent_base.hpp"
#include "actors/kit/expiry_index.hpp"
#include "actors/support/config.hpp"
#include "actors/support/state.hpp"
#include "actors/support/state_codec.hpp"
#include "actors/support/tables.hpp"
#include "actors/support/triage.hpp"

namespace aetherial::actors::support {

/// The User Support agent of one partition; owned by its host, lives as long as the host.
class support_agent final : public kit::agent_base<support_agent, support_state, support_config,
                                                   &decode_state, &support_config::knowledge_base> {
public:
  explicit support_agent(support_config cfg = {});

  void on_event(const fbs::Envelope& event, context& ctx) override;

private:
  /// Where an answered question came from.
  struct question {
    std::string conversation_id;
    std::string text;
    std::string intent;
    bool is_task = false;  ///< answering a task (an outcome follows the reply)
    std::string task_id;   ///< of the task
    std::string task_type; ///< of the task
  };

  friend agent_base;

  void on_article(const fbs::KnowledgeArticle& a);
  void on_feedback(const fbs::Feedback& f, table_store& tables);
  void on_task(const fbs::Task& t, const fbs::Envelope& event, context& ctx);
  void answer(const question& q, context& ctx);
  void remember_reply(const std::string& reply_id, const std::string& article_id,
                      const std::string& conversation_id, std::int64_t now, table_store& tables);
  /// Forgets the conversations idle and the replies older than their limits at `now`.
  void expire(std::int64_t now, table_store& tables);
  /// After a restore: the indexes know nothing of the tables they were used with.
  void restored();

  std::vector<std::string> money_stems_;
  kit::expiry_index conversations_expiry_{std::string(conversations_expiry_index)};
  kit::expiry_index replies_expiry_{std::string(replies_expiry_index)};
};

/// Creates a User Support agent configured by `settings` ("support.<key>"), empty state.
[[nodiscard]] std::unique_ptr<agent> make_support_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::support
