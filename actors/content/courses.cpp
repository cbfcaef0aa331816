// Course tasks: planning a course, and publishing its outline, reply and outcome.

#include <algorithm>
#include <utility>

#include "actors/content/common.hpp"
#include "actors/content/content_agent.hpp"
#include "actors/content/course.hpp"
#include "actors/kit/format.hpp"
#include "actors/kit/task.hpp"
#include "actors/text/language.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::content {

void content_agent::on_task(const fbs::Task& task, const fbs::Envelope& event, context& ctx) {
  if (view(task.target_agent()) != kind_name) return;
  const kit::task_spec t = kit::read_task(task);
  const std::string& task_id = t.task_id;
  const std::string& type = t.type;
  std::string conv = t.conversation_id;
  if (conv.empty()) conv = std::string(view(event.key()));

  auto fail = [&](const std::string& why) {
    kit::emit_reply(ctx, output::replies, conv,
                    kit::reply_spec{conv, "content", why, fbs::ReplyStatus::refused, type}, conv);
    kit::emit_outcome(
        ctx, conv,
        kit::outcome_spec{task_id, type, "content", false, fbs::ReplyStatus::refused, why, conv},
        conv);
  };
  if (!kit::can_do(kind_name, type)) {
    fail("The content agent does not handle tasks of type " + quoted(type) + ".");
    return;
  }
  const auto params = kit::params_as<kit::course_params>(t.params);
  // The topics named in the dialogue weigh in like the request's own words.
  std::string request_text = t.text;
  for (const auto& x : params.topics)
    request_text += (request_text.empty() ? "" : ", ") + x;
  const std::string topic_param = course_topic(params.topic, "");
  const bool quizzes = params.quizzes;
  const bool confirmed = params.confirmed;

  // A confirmation finalizes the outline proposed earlier in the conversation, as proposed,
  // unless it names another topic.
  const auto existing = state_.courses.find(conv);
  if ((confirmed || quizzes) && existing != state_.courses.end() &&
      !existing->second.modules.empty() &&
      (topic_param.empty() || lower_ascii(existing->second.topic) == lower_ascii(topic_param))) {
    course_plan& plan = existing->second;
    plan.final = true;
    plan.seq = state_.events;
    publish_course(conv, plan, quizzes, task_id, type, "the proposed outline, confirmed", ctx);
    return;
  }

  const std::string topic = course_topic(topic_param, request_text);
  if (topic.empty()) {
    fail("A course needs a topic: give a param topic, or say what the course is about.");
    return;
  }
  const std::string course_id =
      "course/" + (task_id.empty() ? ctx.cause_id().to_string() : task_id);
  auto modules = plan_from_knowledge_base(state_.kb, topic, request_text, cfg_);
  if (modules.empty()) {
    pending_effect p;
    p.kind = "llm";
    p.conversation_id = conv;
    p.course_id = course_id;
    p.task_id = task_id;
    p.task_type = type;
    p.topic = topic;
    p.quizzes = quizzes;
    const std::string prompt =
        "Draft a course outline about " + topic +
        ": one module title per line, each module's lessons on indented lines below it." +
        (request_text.empty() ? std::string() : " The request: " + request_text);
    const std::string effect_id = request(
        "llm", course_id, prompt,
        {{"topic", topic}, {"course_id", course_id}, {"quizzes", quizzes ? "true" : "false"}},
        std::move(p), ctx);
    const std::string text = "The knowledge base has no article about " + quoted(topic) +
                             ", so a language model was asked to draft the outline (effect " +
                             effect_id + "). The outline follows when its answer is recorded.";
    kit::emit_reply(ctx, output::replies, conv,
                    kit::reply_spec{conv,
                                    "content",
                                    text,
                                    fbs::ReplyStatus::pending,
                                    type,
                                    0.0,
                                    {},
                                    {{"effect_id", effect_id}, {"course_id", course_id}}},
                    conv);
    return;
  }
  course_plan plan;
  plan.course_id = course_id;
  plan.topic = topic;
  plan.modules = std::move(modules);
  plan.final = confirmed || quizzes;
  plan.seq = state_.events;
  auto& stored = state_.courses[conv] = std::move(plan);
  evict_oldest(state_.courses, cfg_.max_courses, conv);
  publish_course(conv, stored, quizzes, task_id, type, "the knowledge base", ctx);
}

void content_agent::publish_course(const std::string& conv, const course_plan& plan, bool quizzes,
                                   const std::string& task_id, const std::string& task_type,
                                   std::string_view origin, context& ctx) {
  const bool with_quiz = plan.final && quizzes;
  std::vector<std::string> sources;
  std::size_t grounded = 0;
  for (const auto& m : plan.modules) {
    if (std::find(sources.begin(), sources.end(), m.source) == sources.end())
      sources.push_back(m.source);
    if (m.source.rfind("content/llm/", 0) != 0) ++grounded;
  }
  const double grounding =
      plan.modules.empty() ? 0.0 : static_cast<double>(grounded) / plan.modules.size();

  std::string listing;
  for (std::size_t i = 0; i < plan.modules.size(); ++i) {
    const auto& m = plan.modules[i];
    listing += (i ? "; " : "") + kit::integer(static_cast<std::int64_t>(i + 1)) + ". " + m.title +
               " (" + kit::integer(static_cast<std::int64_t>(m.lessons.size())) +
               (m.lessons.size() == 1 ? " lesson" : " lessons") + (with_quiz ? ", quiz)" : ")");
  }
  const std::string n_modules = kit::integer(static_cast<std::int64_t>(plan.modules.size()));
  std::string text;
  if (plan.final) {
    text = "Course " + quoted(plan.topic) + " is ready with " + n_modules + " modules from " +
           std::string(origin) + ": " + listing + ".";
  } else {
    text = "Proposed course " + quoted(plan.topic) + " with " + n_modules + " modules from " +
           std::string(origin) + ": " + listing +
           ". Confirm to finalize it, and say whether each module should end with a quiz.";
  }
  const auto status =
      plan.final ? fbs::ReplyStatus::answered : fbs::ReplyStatus::needs_confirmation;

  auto& b = ctx.builder();
  {
    std::vector<flatbuffers::Offset<fbs::CourseModule>> modules;
    for (const auto& m : plan.modules) {
      std::vector<flatbuffers::Offset<flatbuffers::String>> lessons;
      for (const auto& l : m.lessons)
        lessons.push_back(b.CreateString(l));
      modules.push_back(fbs::CreateCourseModuleDirect(b, m.title.c_str(), &lessons, with_quiz));
    }
    std::vector<flatbuffers::Offset<flatbuffers::String>> src;
    for (const auto& s : sources)
      src.push_back(b.CreateString(s));
    auto outline = fbs::CreateCourseOutlineDirect(b, plan.course_id.c_str(), plan.topic.c_str(),
                                                  &modules, &src, conv.c_str());
    ctx.emit(output::decisions, conv, fbs::Payload::CourseOutline, outline.Union(), conv);
  }
  kit::emit_reply(ctx, output::replies, conv,
                  kit::reply_spec{conv,
                                  "content",
                                  text,
                                  status,
                                  task_type,
                                  grounding,
                                  sources,
                                  {{"course_id", plan.course_id},
                                   {"modules", n_modules},
                                   {"quizzes", with_quiz ? "true" : "false"},
                                   {"confidence_meaning", "share of modules from articles"}}},
                  conv);
  const std::string detail = (plan.final ? "final outline of " : "proposed outline of ") +
                             n_modules + " modules for " + quoted(plan.topic);
  kit::emit_outcome(ctx, conv,
                    kit::outcome_spec{task_id,
                                      task_type,
                                      "content",
                                      true,
                                      status,
                                      detail,
                                      conv,
                                      {{"course_id", plan.course_id},
                                       {"status", std::string(kit::status_name(status))},
                                       {"modules", n_modules}}},
                    conv);
}

} // namespace aetherial::actors::content
