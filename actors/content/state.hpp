#pragma once
// The whole state of one Content agent (one partition), as plain ordered data.
// Owned by the agent; encoded by state_codec.hpp.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/text/knowledge_base.hpp"
#include "actors/text/naive_bayes.hpp"
#include "actors/text/tfidf.hpp"

namespace aetherial::actors::content {

/// A moderated item, remembered so a moderator label can train the classifier on it.
struct item_record {
  std::string kind;
  text::term_counts terms; ///< of its text (and of its translation or image analysis)
  std::string label;       ///< moderator label learned from it, or empty
  std::uint64_t seq = 0;   ///< events counter when last seen (for eviction)
};

/// An effect request awaiting its recorded result.
struct pending_effect {
  std::string kind;                 ///< "translate", "image_analysis", "llm"
  std::string content_id;           ///< translate, image_analysis
  std::string source_language;      ///< translate
  double language_confidence = 0.0; ///< translate
  std::string conversation_id;      ///< llm
  std::string course_id;            ///< llm
  std::string task_id;              ///< llm
  std::string task_type;            ///< llm
  std::string topic;                ///< llm
  bool quizzes = false;             ///< llm
  std::int64_t requested_ms = 0;
  std::uint64_t seq = 0; ///< events counter when requested (for eviction)
};

/// One module of a planned course.
struct module_plan {
  std::string title;
  std::vector<std::string> lessons;
  std::string source; ///< article id, or the effect id of a drafted outline
};

/// A course outline under discussion in a conversation.
struct course_plan {
  std::string course_id;
  std::string topic;
  std::vector<module_plan> modules;
  bool final = false;
  std::uint64_t seq = 0; ///< events counter when last changed (for eviction)
};

/// The whole state of a Content agent.
struct content_state {
  text::knowledge_base kb;                       ///< articles courses are built from
  text::document_frequencies df;                 ///< over moderated items, for TF-IDF
  text::naive_bayes classifier;                  ///< learned from moderator labels
  std::map<std::string, item_record> items;      ///< by content id
  std::map<std::string, pending_effect> pending; ///< by effect id
  std::map<std::string, course_plan> courses;    ///< by conversation id
  std::uint64_t events = 0;                      ///< events handled
};

} // namespace aetherial::actors::content
