#include "actors/content/course.hpp"

#include <algorithm>
#include <array>

#include "actors/text/tfidf.hpp"
#include "actors/text/tokenizer.hpp"

namespace aetherial::actors::content {

namespace {

// Words that frame a course request rather than say what it is about.
constexpr std::array<std::string_view, 20> frame_words = {
    "build",    "course",  "courses", "create", "curriculum", "design",  "draft",
    "generate", "lesson",  "lessons", "make",   "module",     "modules", "need",
    "new",      "outline", "plan",    "quiz",   "quizzes",    "want"};

bool is_frame(const std::string& term) {
  return std::any_of(frame_words.begin(), frame_words.end(),
                     [&](std::string_view w) { return text::stem(w) == term; });
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n\"'.,;:!?");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n\"'.,;:!?");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower_ascii(std::string_view s) {
  std::string l(s);
  for (auto& c : l)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return l;
}

} // namespace

std::string course_topic(std::string_view topic_param, std::string_view request) {
  if (!trim(topic_param).empty()) return trim(topic_param);
  const std::string l = lower_ascii(request);
  std::size_t best = std::string::npos;
  std::size_t skip = 0;
  for (std::string_view marker : {" about ", " on ", " covering ", " regarding "}) {
    const auto at = l.find(marker);
    if (at != std::string::npos && at < best) {
      best = at;
      skip = marker.size();
    }
  }
  std::string topic(best == std::string::npos ? request : request.substr(best + skip));
  const auto with = lower_ascii(topic).find(" with quiz");
  if (with != std::string::npos) topic.erase(with);
  return trim(topic);
}

std::vector<module_plan> plan_from_knowledge_base(const text::knowledge_base& kb,
                                                  std::string_view topic, std::string_view request,
                                                  const content_config& cfg) {
  std::vector<module_plan> modules;
  const text::weighted_query topic_query = text::make_query(topic);
  if (topic_query.empty() || kb.size() == 0) return modules;
  text::weighted_query query = topic_query;
  for (const auto& [t, w] : text::make_query(request, 0.5))
    if (!is_frame(t)) query.emplace(t, w);

  text::document_frequencies df;
  for (const auto& [id, a] : kb.articles())
    df.add(text::knowledge_base::terms_of(a));

  for (const auto& hit : kb.search(query, cfg.max_modules * 4)) {
    if (modules.size() >= cfg.max_modules) break;
    // An article that never names the topic is not about it, whatever else it shares.
    if (kb.index().coverage(topic_query, hit.id) <= 0.0) continue;
    const text::article* a = kb.find(hit.id);
    module_plan m;
    m.title = a->title.empty() ? a->id : a->title;
    m.source = a->id;
    const auto sents = text::sentences(a->body);
    for (std::size_t i : text::key_sentences(sents, df, cfg.lessons_per_module))
      m.lessons.push_back(text::clip(sents[i], cfg.lesson_max_bytes));
    if (m.lessons.size() < 2) {
      std::string terms;
      for (const auto& k : text::top_keywords(text::analyze(a->title + "\n" + a->body), df, 4))
        terms += (terms.empty() ? "" : ", ") + k.word;
      if (!terms.empty()) m.lessons.push_back("Key terms: " + terms);
    }
    modules.push_back(std::move(m));
  }
  return modules;
}

std::vector<module_plan> plan_from_draft(std::string_view draft, std::string_view source,
                                         const content_config& cfg) {
  std::vector<module_plan> modules;
  std::size_t start = 0;
  while (start <= draft.size()) {
    auto end = draft.find('\n', start);
    if (end == std::string_view::npos) end = draft.size();
    const std::string_view line = draft.substr(start, end - start);
    start = end + 1;
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    std::string_view body = line;
    // Bullets and numbering ("- ", "* ", "# ", "1. ", "2) ") are not part of a title.
    while (!body.empty() && std::string_view(" \t-*#>").find(body[0]) != std::string_view::npos)
      body.remove_prefix(1);
    std::size_t digits = 0;
    while (digits < body.size() && body[digits] >= '0' && body[digits] <= '9')
      ++digits;
    if (digits > 0 && digits < body.size() && (body[digits] == '.' || body[digits] == ')'))
      body.remove_prefix(digits + 1);
    const std::string item = trim(body);
    if (item.empty()) continue;
    if (indented && !modules.empty()) {
      if (modules.back().lessons.size() < cfg.lessons_per_module)
        modules.back().lessons.push_back(text::clip(item, cfg.lesson_max_bytes));
    } else if (modules.size() < cfg.max_modules) {
      modules.push_back({text::clip(item, cfg.lesson_max_bytes), {}, std::string(source)});
    }
    if (end == draft.size()) break;
  }
  return modules;
}

} // namespace aetherial::actors::content
