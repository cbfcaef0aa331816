#pragma once
// Builders of input envelopes for the tests of the agents built on actors/text (support,
// content).

#include <string>
#include <vector>

#include "tests/actors/kit/agent_harness.hpp"

namespace aetherial::actors::text::test {

using namespace ::aetherial::actors::test;

/// Builds input envelopes with consecutive event ids and event times one second apart.
class events : public envelope_builder {
public:
  /// `stream` is the high half of the event ids, so several builders never share an id.
  explicit events(std::uint64_t stream = 0x7e57) : envelope_builder(stream) {}

  bytes article(const std::string& id, const std::string& title, const std::string& body,
                const std::vector<std::string>& tags = {}, bool active = true) {
    flatbuffers::FlatBufferBuilder b;
    auto t = build_strings(b, tags);
    auto p =
        fbs::CreateKnowledgeArticleDirect(b, id.c_str(), title.c_str(), body.c_str(), &t, active);
    return envelope(b, next_time(), id, fbs::Payload::KnowledgeArticle, p.Union());
  }
  bytes message(const std::string& conversation, const std::string& text) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateSupportMessageDirect(b, conversation.c_str(), "user-1", text.c_str());
    return envelope(b, next_time(), conversation, fbs::Payload::SupportMessage, p.Union(),
                    conversation);
  }
  bytes task(const std::string& task_id, const std::string& type, const std::string& target,
             const std::string& conversation, const pairs& params) {
    const auto spec = task_spec_of(task_id, type, target, conversation, "user:ana", params);
    return envelope_builder::task(next_time(), spec, conversation, {}, conversation);
  }
  bytes feedback(const std::string& target, const std::string& kind, const std::string& label = "",
                 const std::string& conversation = "", double value = 0.0) {
    flatbuffers::FlatBufferBuilder b;
    auto p = fbs::CreateFeedbackDirect(b, target.c_str(), kind.c_str(), value, label.c_str(),
                                       "user-2", conversation.c_str());
    return envelope(b, next_time(), conversation.empty() ? target : conversation,
                    fbs::Payload::Feedback, p.Union());
  }
  bytes item(const std::string& id, const std::string& kind, const std::string& title,
             const std::string& text, const pairs& attributes = {}) {
    flatbuffers::FlatBufferBuilder b;
    auto kvs = build_key_values(b, attributes);
    auto p = fbs::CreateContentItemDirect(b, id.c_str(), kind.c_str(), "author-1", title.c_str(),
                                          text.c_str(), &kvs);
    return envelope(b, next_time(), id, fbs::Payload::ContentItem, p.Union());
  }
  bytes effect_result(const std::string& effect_id, const std::string& kind, bool success,
                      const std::string& output, const std::string& detail = "") {
    return envelope_builder::effect_result(next_time(), effect_id, effect_id, kind, success, output,
                                           detail, "");
  }

private:
  /// The event time of the next envelope: one second after t0 per envelope built.
  [[nodiscard]] std::int64_t next_time() const {
    return t0 + static_cast<std::int64_t>(built() + 1) * 1000;
  }
};

} // namespace aetherial::actors::text::test
