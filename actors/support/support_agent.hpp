#pragma once
// The User Support agent: answers support messages and support tasks from the knowledge
// base (BM25, re-ranked by feedback), keeps a short multi-turn memory per conversation,
// and hands a conversation to a person on money matters, negative sentiment or low
// confidence. Replies go to aetherial.replies, handoffs to aetherial.decisions, task
// outcomes to aetherial.tasks; all keyed and correlated by conversation id.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"
#include "actors/kit/agent_base.hpp"
#include "actors/support/config.hpp"
#include "actors/support/state.hpp"
#include "actors/support/state_codec.hpp"
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

  void on_article(const fbs::KnowledgeArticle& a);
  void on_feedback(const fbs::Feedback& f);
  void on_task(const fbs::Task& t, const fbs::Envelope& event, context& ctx);
  void answer(const question& q, context& ctx);
  conversation& touch(const std::string& id, std::int64_t now);
  void remember_reply(const std::string& reply_id, const std::string& article_id,
                      const std::string& conversation_id);

  std::vector<std::string> money_stems_;
};

/// Creates a User Support agent configured by `settings` ("support.<key>"), empty state.
[[nodiscard]] std::unique_ptr<agent> make_support_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::support
