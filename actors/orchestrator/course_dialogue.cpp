// The course dialogue: collecting a course's details over turns, then confirming it.

#include <algorithm>
#include <utility>

#include "actors/kit/task.hpp"
#include "actors/orchestrator/intents.hpp"
#include "actors/orchestrator/orchestrator_agent.hpp"
#include "actors/orchestrator/routing.hpp"
#include "actors/orchestrator/text.hpp"

namespace aetherial::actors::orchestrator {

namespace {

std::vector<std::string> split_topics(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(", ", start);
    const std::string item =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return out;
}

} // namespace

// --- the course dialogue ---------------------------------------------------------------------

std::pair<std::string, std::string> orchestrator_agent::open_course(const command_info& cmd,
                                                                    conversation& conv,
                                                                    const intent_match& m,
                                                                    context& ctx) {
  course_draft d;
  d.active = true;
  if (const auto it = m.slots.find("topic"); it != m.slots.end()) d.topic = it->second;
  if (const auto it = m.slots.find("topics"); it != m.slots.end())
    d.topics = split_topics(it->second);
  if (const auto it = m.slots.find("quizzes"); it != m.slots.end())
    d.quizzes = it->second == "true";
  d.confidence = m.confidence;
  d.opened_ms = ctx.event_time_ms();
  conv.draft = d;
  ask_for_course_details(cmd, conv.draft, ctx);
  return {std::string(course_intent), "answered"};
}

std::pair<std::string, std::string> orchestrator_agent::continue_course(const command_info& cmd,
                                                                        conversation& conv,
                                                                        const tokens& t,
                                                                        context& ctx) {
  course_draft& d = conv.draft;
  if (d.topic.empty()) {
    d.topic = join_orig(t, 0, t.size());
  } else {
    auto topics = topics_named(t);
    if (!topics.empty()) d.topics = std::move(topics);
  }
  if (const auto q = quizzes_wanted(t)) d.quizzes = *q;
  d.opened_ms = ctx.event_time_ms();
  ask_for_course_details(cmd, d, ctx);
  return {std::string(course_intent), "answered"};
}

void orchestrator_agent::ask_for_course_details(const command_info& cmd, const course_draft& d,
                                                context& ctx) {
  std::string text;
  if (d.topic.empty()) {
    text = "I can have the Content agent build a course. What should it be about?";
  } else if (d.topics.empty()) {
    text = "I can have the Content agent outline a course about " + d.topic +
           " from the knowledge base. Which topics should it cover? Name them (for example "
           "\"cover X, Y and Z\"), or say yes to let it choose";
    text += d.quizzes ? "; it will have a quiz per module."
                      : "; add \"with quizzes\" for a quiz per module.";
  } else {
    text = "The course about " + d.topic + " would cover: " + joined(d.topics) +
           (d.quizzes ? ", with a quiz per module" : "") +
           ". Shall I hand it to the Content agent? Say yes";
    text += d.quizzes ? ", or name other topics."
                      : " (add \"with quizzes\" for a quiz per module), or name other topics.";
  }
  reply(ctx, cmd, std::move(text), fbs::ReplyStatus::answered, std::string(course_intent),
        d.confidence,
        {{"awaiting", d.topic.empty() ? "topic" : "confirmation"},
         {"topic", d.topic},
         {"topics", joined(d.topics)},
         {"quizzes", d.quizzes ? "true" : "false"}});
}

std::pair<std::string, std::string> orchestrator_agent::confirm_course(const command_info& cmd,
                                                                       conversation& conv,
                                                                       const tokens& t,
                                                                       context& ctx) {
  course_draft& d = conv.draft;
  if (const auto q = quizzes_wanted(t)) d.quizzes = *q;
  intent_match m;
  m.intent = std::string(course_intent);
  m.confidence = d.confidence;
  if (const auto acting = acting_for(cmd, m.intent);
      !role_allows(cfg_.permissions, acting.role, m.intent))
    return refuse(acting, m, ctx);
  if (d.topic.empty()) {
    d.opened_ms = ctx.event_time_ms();
    ask_for_course_details(cmd, d, ctx);
    return {m.intent, "answered"};
  }
  m.slots["topic"] = d.topic;
  if (!d.topics.empty()) m.slots["topics"] = joined(d.topics);
  m.slots["quizzes"] = d.quizzes ? "true" : "false";
  // The person has agreed to the course here: the Content agent finalizes it at once.
  m.slots["confirmed"] = "true";
  conv.draft = course_draft{};
  return route(cmd, m, is_urgent(t), ctx);
}

} // namespace aetherial::actors::orchestrator
