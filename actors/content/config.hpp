#pragma once
// Every threshold of the Content agent, each documented beside its default.
// Owned by actors/content; copied into an agent when it is created and never changed while
// the agent lives. Config is not state: it is not part of a snapshot.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"
#include "actors/text/knowledge_base.hpp"

namespace aetherial::actors::content {

/// Phrases whose presence removes an item at once (threats, self-harm incitement,
/// credential phishing, well-known scam lines). Matched on whole words, case-insensitively.
[[nodiscard]] std::vector<std::string> default_blocklist();

/// Configuration of the Content agent.
struct content_config {
  text::kb_limits knowledge_base; ///< article caps (2000 articles, 32 KiB bodies)

  /// Blocked phrases; "content.blocklist" (comma-separated) adds to the defaults.
  std::vector<std::string> blocklist = default_blocklist();
  /// Classifier probability of a harmful label (anything but "ok") at or above which an item
  /// is removed. Key "content.remove_score".
  double remove_score = 0.9;
  /// ... at or above which it is flagged for a moderator. Key "content.flag_score".
  double flag_score = 0.6;
  /// Labelled items the classifier needs, with at least one "ok" and one harmful, before it
  /// votes. Key "content.min_training".
  std::uint64_t min_training = 4;
  std::size_t max_vocabulary = 50'000; ///< classifier and document-frequency terms kept
  /// Items remembered (content id -> terms) so a later moderator label can train on them;
  /// past it the oldest is forgotten.
  std::size_t max_items = 20'000;

  std::size_t tags = 5;                ///< auto-tags per item (TF-IDF keywords)
  std::size_t summary_sentences = 2;   ///< sentences in an extractive summary
  std::size_t summary_max_bytes = 400; ///< longest summary

  /// Items detected in another language (with at least translate_min_confidence) get a
  /// "translate" effect request into this language; "" disables translation.
  /// Key "content.translate_to".
  std::string translate_to = "en";
  double translate_min_confidence = 0.6;
  std::size_t max_pending_effects = 10'000; ///< effect requests awaiting a result

  std::size_t max_modules = 6;        ///< modules of a course outline
  std::size_t lessons_per_module = 3; ///< lessons taken from an article's key sentences
  std::size_t lesson_max_bytes = 160; ///< longest lesson text
  std::size_t max_courses = 5'000;    ///< course conversations remembered
};

/// Name of the agent kind: the prefix of its settings ("<kind>.<name>") and the emitter name
/// in derived event ids.
inline constexpr std::string_view kind_name = "content";

/// The config from deployment settings ("content.<key>"); malformed values keep their
/// defaults (`check_settings` reports them).
[[nodiscard]] content_config config_from(const agent_settings& settings);

/// Bad values and unknown keys among the "content." settings; empty when they are fine.
[[nodiscard]] std::vector<std::string> check_settings(const agent_settings& settings);

} // namespace aetherial::actors::content
