#pragma once
// Course outlines: a module per knowledge-base article that matches the topic (BM25 on the
// topic, with the request's other words at half weight), lessons from each article's key
// sentences (TF-IDF over the knowledge base); or, when an "llm" effect drafted it, a module
// per line of the draft.

#include <string>
#include <string_view>
#include <vector>

#include "actors/content/config.hpp"
#include "actors/content/state.hpp"
#include "actors/text/knowledge_base.hpp"

namespace aetherial::actors::content {

/// The topic of a course request: the `topic` param if given, else what follows "about",
/// "on", "covering" or "regarding" in the request text (without a trailing "with quizzes"),
/// else the whole text.
[[nodiscard]] std::string course_topic(std::string_view topic_param, std::string_view request);

/// Modules from the knowledge-base articles about `topic`, best match first; empty if the
/// knowledge base has nothing on it.
[[nodiscard]] std::vector<module_plan> plan_from_knowledge_base(const text::knowledge_base& kb,
                                                                std::string_view topic,
                                                                std::string_view request,
                                                                const content_config& cfg);

/// Modules from a drafted outline: each unindented line is a module title (bullets and
/// numbering removed), each indented line a lesson of the module above.
[[nodiscard]] std::vector<module_plan>
plan_from_draft(std::string_view draft, std::string_view source, const content_config& cfg);

} // namespace aetherial::actors::content
