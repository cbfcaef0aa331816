#include "actors/content/content_agent.hpp"

#include <algorithm>
#include <utility>

#include "actors/content/state_codec.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"
#include "actors/text/language.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::content {

content_agent::content_agent(content_config cfg)
    : agent_base(std::move(cfg)), blocked_(cfg_.blocklist) {
  state_.kb = text::knowledge_base(cfg_.knowledge_base);
}

void content_agent::on_event(const fbs::Envelope& event, context& ctx) {
  ++state_.events;
  switch (event.payload_type()) {
    case fbs::Payload::ContentItem: on_item(*event.payload_as_ContentItem(), event, ctx); break;
    case fbs::Payload::Feedback: on_label(*event.payload_as_Feedback()); break;
    case fbs::Payload::Task: on_task(*event.payload_as_Task(), event, ctx); break;
    case fbs::Payload::EffectResult: on_effect_result(*event.payload_as_EffectResult(), ctx); break;
    case fbs::Payload::KnowledgeArticle: on_article(*event.payload_as_KnowledgeArticle()); break;
    default:
      // Support messages, decisions (this agent's own included) and other payloads carry
      // nothing to act on.
      break;
  }
}

std::unique_ptr<agent> make_content_agent(const agent_settings& settings) {
  return std::make_unique<content_agent>(config_from(settings));
}

} // namespace aetherial::actors::content
