#pragma once
// The Orchestrator agent: understands commands with a deterministic intent grammar, checks
// them against the role table, routes the work as prioritized tasks to the agent that has
// worked best for it, and answers on aetherial.replies — from the agents' outcomes, or from
// a language model through a recorded effect when no rule understands the command.
//
// Inputs, in this order: aetherial.commands (Command), aetherial.tasks (TaskOutcome; Task
// events, its own included, are ignored), aetherial.effect-results (EffectResult). All three
// are keyed by conversation id, so one instance sees a conversation whole. Conversations,
// pending tasks and pending effects are rows of its tables (actors/orchestrator/tables.hpp).

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "actors/agent.hpp"
#include "actors/kit/agent_base.hpp"
#include "actors/kit/expiry_index.hpp"
#include "actors/orchestrator/config.hpp"
#include "actors/orchestrator/emit.hpp"
#include "actors/orchestrator/intent_grammar.hpp"
#include "actors/orchestrator/state.hpp"
#include "actors/orchestrator/state_codec.hpp"
#include "actors/orchestrator/tables.hpp"

namespace aetherial::actors::orchestrator {

/// The Orchestrator of one partition; owned by its host, lives as long as the host.
class orchestrator_agent final : public kit::agent_base<orchestrator_agent, orchestrator_state,
                                                        orchestrator_config, &decode_state> {
public:
  using agent_base::agent_base;

  void on_event(const fbs::Envelope& event, context& ctx) override;

private:
  /// Who asked what, for the handling of one command.
  struct command_info {
    std::string command_id;
    std::string conversation_id;
    std::string correlation;
    std::string principal;
    std::string role;
    std::string text;
    std::string token; ///< the command's identity token, passed on to the tasks it starts
    /// The token's roles when the command names none: the role it acts in is chosen per
    /// intent (the first that may issue it).
    std::vector<std::string> verified_roles;
  };

  friend agent_base;

  void on_command(const fbs::Envelope& event, const fbs::Command& cmd, context& ctx);
  /// `cmd` acting in the role it asked for, else (verified roles) the first of its roles that
  /// may issue `intent`.
  [[nodiscard]] command_info acting_for(const command_info& cmd, const std::string& intent) const;
  void on_task_outcome(const fbs::TaskOutcome& outcome, context& ctx);
  void on_effect_result(const fbs::EffectResult& result, context& ctx);
  /// Fails the tasks and effects past their deadlines and forgets the conversations idle past
  /// their limit, at the watermark.
  void expire(context& ctx);
  /// After a restore: the indexes know nothing of the tables they were used with.
  void restored();
  /// Keeps `p` as the pending task (or effect) `id` until its outcome or its deadline.
  void remember(const std::string& id, pending_task p, table_store& tables);
  void remember(const std::string& id, pending_effect p, table_store& tables);
  /// Takes the pending task (effect) `id`: nullopt when it is not pending (never issued here,
  /// answered or timed out already).
  std::optional<pending_task> take_task(std::string_view id, table_store& tables);
  std::optional<pending_effect> take_effect(std::string_view id, table_store& tables);

  /// Handles one command; returns the turn's intent and reply status.
  std::pair<std::string, std::string> handle(command_info cmd, conversation& conv, context& ctx);
  std::pair<std::string, std::string> refuse(const command_info& cmd, const intent_match& m,
                                             context& ctx);
  std::pair<std::string, std::string> route(const command_info& cmd, const intent_match& m,
                                            bool urgent, context& ctx);
  std::pair<std::string, std::string> ask_language_model(const command_info& cmd,
                                                         const conversation& conv,
                                                         const intent_match& m, context& ctx);
  /// Answers a negated command, or a question about an action: nothing is done.
  std::pair<std::string, std::string> decline_action(const command_info& cmd, const intent_match& m,
                                                     context& ctx);
  /// Keeps a risky command waiting and asks its requester to confirm it.
  std::pair<std::string, std::string> ask_confirmation(const command_info& cmd, conversation& conv,
                                                       const intent_match& m, bool urgent,
                                                       const std::string& replaced, context& ctx);
  /// A "yes" to the waiting command: runs it if the same principal says it in time.
  std::pair<std::string, std::string> confirm_pending(const command_info& cmd, conversation& conv,
                                                      context& ctx);
  /// A "no" to the waiting command: drops it.
  std::pair<std::string, std::string> cancel_pending(const command_info& cmd, conversation& conv,
                                                     context& ctx);
  /// An intent no capable agent does: answered with what was (not) done.
  std::pair<std::string, std::string> unhandled(const command_info& cmd, const intent_match& m,
                                                const intent_route& r, context& ctx);
  /// The action of `m` in words ("deploy new feature to production").
  std::string action_text(const intent_match& m) const;
  std::pair<std::string, std::string> open_course(const command_info& cmd, conversation& conv,
                                                  const intent_match& m, context& ctx);
  std::pair<std::string, std::string> continue_course(const command_info& cmd, conversation& conv,
                                                      const tokens& t, context& ctx);
  std::pair<std::string, std::string> confirm_course(const command_info& cmd, conversation& conv,
                                                     const tokens& t, context& ctx);
  void ask_for_course_details(const command_info& cmd, const course_draft& d, context& ctx);
  void reply(context& ctx, const command_info& cmd, std::string text, fbs::ReplyStatus status,
             const std::string& intent, double confidence, key_values details = {},
             std::vector<std::string> citations = {});
  void set_turn_outcome(const std::string& conversation_id, const std::string& command_id,
                        const std::string& status, table_store& tables);
  /// Answers the command that issued the pending task or effect `p`, on aetherial.replies with
  /// its intent and confidence, and records the reply's status as the outcome of its turn.
  template <class Pending>
  void answer_pending(const Pending& p, std::string text, fbs::ReplyStatus status,
                      std::vector<std::string> citations, key_values details, context& ctx) {
    emit_reply(ctx, output::replies, p.conversation_id, p.correlation,
               kit::reply_spec{p.conversation_id, std::string(kind_name), std::move(text), status,
                               p.intent, p.confidence, std::move(citations), std::move(details)});
    set_turn_outcome(p.conversation_id, p.command_id, std::string(kit::status_name(status)),
                     ctx.tables());
  }

  kit::expiry_index conversations_expiry_{std::string(conversations_expiry_index)};
  kit::expiry_index tasks_deadline_{std::string(tasks_deadline_index)};
  kit::expiry_index effects_deadline_{std::string(effects_deadline_index)};
};

/// Creates an Orchestrator with the defaults and `settings` applied ("orchestrator.*"), and
/// empty state.
[[nodiscard]] std::unique_ptr<agent> make_orchestrator_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::orchestrator
