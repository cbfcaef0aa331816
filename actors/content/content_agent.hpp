#pragma once
// The Content agent: moderates items (blocklist, then a naive Bayes classifier trained
// online from moderator labels) and enriches them (TF-IDF tags, extractive summary,
// language); asks effect workers for image analysis and translation and consumes their
// results; and builds course outlines from the knowledge base, over several turns.
// Verdicts and outlines go to aetherial.decisions, answers to aetherial.replies, effect
// requests to aetherial.effects, task outcomes to aetherial.tasks.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"
#include "actors/content/config.hpp"
#include "actors/content/moderation.hpp"
#include "actors/content/state.hpp"
#include "actors/content/state_codec.hpp"
#include "actors/kit/agent_base.hpp"

namespace aetherial::actors::content {

/// The Content agent of one partition; owned by its host, lives as long as the host.
class content_agent final : public kit::agent_base<content_agent, content_state, content_config,
                                                   &decode_state, &content_config::knowledge_base> {
public:
  explicit content_agent(content_config cfg = {});

  void on_event(const fbs::Envelope& event, context& ctx) override;

private:
  void on_item(const fbs::ContentItem& item, const fbs::Envelope& event, context& ctx);
  void on_label(const fbs::Feedback& f);
  void on_task(const fbs::Task& t, const fbs::Envelope& event, context& ctx);
  void on_effect_result(const fbs::EffectResult& r, context& ctx);
  void on_article(const fbs::KnowledgeArticle& a);

  void on_translation(const std::string& effect_id, const pending_effect& p,
                      const fbs::EffectResult& r, context& ctx);
  void on_image_analysis(const std::string& effect_id, const pending_effect& p,
                         const fbs::EffectResult& r, context& ctx);
  void on_draft(const std::string& effect_id, const pending_effect& p, const fbs::EffectResult& r,
                context& ctx);

  /// Moderates and enriches `text` (summarizing `summary_source`), emits the verdict; `extra`
  /// reasons come first.
  void judge(const std::string& content_id, const std::string& text,
             std::string_view summary_source, const std::string& language,
             double language_confidence, std::vector<std::string> extra, context& ctx);
  /// Remembers (or extends) an item's terms; counts them into the document frequencies once.
  void remember_item(const std::string& content_id, const std::string& kind,
                     const text::term_counts& terms, bool extend);
  /// Emits an effect request and remembers what to do with its result.
  std::string request(std::string_view kind, std::string_view subject, const std::string& input,
                      std::vector<std::pair<std::string, std::string>> params,
                      pending_effect pending, context& ctx);
  /// Emits the outline, the reply and (final or refused) the task outcome for a plan.
  void publish_course(const std::string& conversation_id, const course_plan& plan, bool quizzes,
                      const std::string& task_id, const std::string& task_type,
                      std::string_view origin, context& ctx);

  blocklist blocked_;
};

/// Creates a Content agent configured by `settings` ("content.<key>"), with empty state.
[[nodiscard]] std::unique_ptr<agent> make_content_agent(const agent_settings& settings = {});

} // namespace aetherial::actors::content
