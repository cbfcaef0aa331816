#pragma once
// The knowledge base: articles by id and a BM25 index over them (the agents' semantic
// memory). Title and tags count twice in an article's terms, so an article is found by
// what it is about before what it mentions. Bounded: past the article cap, the article
// updated longest ago is forgotten.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "actors/text/bm25.hpp"
#include "schemas/state/text_generated.h"

namespace aetherial::actors::text {

/// One knowledge-base article as the agents keep it.
struct article {
  std::string id;
  std::string title;
  std::string body;
  std::vector<std::string> tags;
  std::uint64_t revision = 0; ///< order of its last change in this knowledge base
};

/// Caps of a knowledge base.
struct kb_limits {
  std::size_t max_articles = 2'000;       ///< articles kept; the least recently changed go first
  std::size_t max_body_bytes = 32 * 1024; ///< longer bodies are cut (at a word boundary)
  std::size_t max_title_bytes = 512;      ///< longer titles are cut
  std::size_t max_tags = 16;              ///< further tags are ignored
};

/// The query of a text: each distinct term of it with weight `weight`.
[[nodiscard]] weighted_query make_query(std::string_view text, double weight = 1.0);

/// Articles plus their index; owned by an agent's state, copied with it.
class knowledge_base {
public:
  explicit knowledge_base(kb_limits limits = {}) : limits_(limits) {}

  /// What applying an article event did.
  enum class change : std::uint8_t { added, updated, retired, unchanged };

  /// Adds, replaces or (with `active` false) retires an article. Delivering the same
  /// article twice changes nothing, so the event can be broadcast and replayed freely.
  change apply(std::string_view id, std::string_view title, std::string_view body,
               std::vector<std::string> tags, bool active);

  [[nodiscard]] const article* find(const std::string& id) const;
  [[nodiscard]] const std::map<std::string, article>& articles() const noexcept {
    return articles_;
  }
  [[nodiscard]] const bm25_index& index() const noexcept { return index_; }
  [[nodiscard]] std::size_t size() const noexcept { return articles_.size(); }

  /// Up to `limit` articles by BM25 score, best first, ties by id.
  [[nodiscard]] std::vector<bm25_hit> search(const weighted_query& query, std::size_t limit) const;

  /// The indexed terms of an article: title and tags twice, body once.
  [[nodiscard]] static term_counts terms_of(const article& a);

  /// The articles as state (schemas/state/text.fbs), by id; the index is not stored.
  [[nodiscard]] ::aetherial::state::text::KnowledgeBaseT to_state() const;

  /// Replaces the contents with `s` and rebuilds the index; false (contents unchanged) if
  /// `s` is inconsistent (ids not strictly increasing, revisions not unique and below the
  /// next one) or holds more articles than the cap.
  [[nodiscard]] bool from_state(const ::aetherial::state::text::KnowledgeBaseT& s);

private:
  void evict();

  kb_limits limits_;
  std::map<std::string, article> articles_;
  std::map<std::uint64_t, std::string> by_revision_; ///< revision -> id, oldest first
  std::uint64_t next_revision_ = 1;
  bm25_index index_;
};

} // namespace aetherial::actors::text
