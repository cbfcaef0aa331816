#include "actors/text/knowledge_base.hpp"

#include <memory>
#include <utility>

namespace aetherial::actors::text {

weighted_query make_query(std::string_view text, double weight) {
  weighted_query q;
  for (const auto& [t, n] : count_terms(text))
    q[t] = weight;
  return q;
}

knowledge_base::change knowledge_base::apply(std::string_view id, std::string_view title,
                                             std::string_view body, std::vector<std::string> tags,
                                             bool active) {
  if (id.empty()) return change::unchanged;
  const std::string key(id);
  const auto it = articles_.find(key);
  if (!active) {
    if (it == articles_.end()) return change::unchanged;
    by_revision_.erase(it->second.revision);
    index_.erase(key);
    articles_.erase(it);
    return change::retired;
  }
  article a;
  a.id = key;
  a.title = clip(title, limits_.max_title_bytes);
  a.body = clip(body, limits_.max_body_bytes);
  if (tags.size() > limits_.max_tags) tags.resize(limits_.max_tags);
  for (auto& t : tags)
    t = clip(t, limits_.max_title_bytes);
  a.tags = std::move(tags);
  const bool existed = it != articles_.end();
  if (existed) {
    if (it->second.title == a.title && it->second.body == a.body && it->second.tags == a.tags)
      return change::unchanged;
    by_revision_.erase(it->second.revision);
  }
  a.revision = next_revision_++;
  by_revision_[a.revision] = key;
  index_.put(key, terms_of(a));
  articles_[key] = std::move(a);
  evict();
  return existed ? change::updated : change::added;
}

void knowledge_base::evict() {
  while (articles_.size() > limits_.max_articles && !by_revision_.empty()) {
    const auto oldest = by_revision_.begin();
    index_.erase(oldest->second);
    articles_.erase(oldest->second);
    by_revision_.erase(oldest);
  }
}

const article* knowledge_base::find(const std::string& id) const {
  const auto it = articles_.find(id);
  return it == articles_.end() ? nullptr : &it->second;
}

std::vector<bm25_hit> knowledge_base::search(const weighted_query& query, std::size_t limit) const {
  return index_.search(query, limit);
}

term_counts knowledge_base::terms_of(const article& a) {
  term_counts c = count_terms(a.body);
  for (const auto& [t, n] : count_terms(a.title))
    c[t] += 2 * n;
  for (const auto& tag : a.tags)
    for (const auto& [t, n] : count_terms(tag))
      c[t] += 2 * n;
  return c;
}

::aetherial::state::text::KnowledgeBaseT knowledge_base::to_state() const {
  ::aetherial::state::text::KnowledgeBaseT s;
  s.next_revision = next_revision_;
  s.articles.reserve(articles_.size());
  for (const auto& [id, a] : articles_) {
    auto o = std::make_unique<::aetherial::state::text::ArticleT>();
    o->id = id;
    o->title = a.title;
    o->body = a.body;
    o->tags = a.tags;
    o->revision = a.revision;
    s.articles.push_back(std::move(o));
  }
  return s;
}

bool knowledge_base::from_state(const ::aetherial::state::text::KnowledgeBaseT& s) {
  if (s.articles.size() > limits_.max_articles) return false;
  knowledge_base fresh(limits_);
  fresh.next_revision_ = s.next_revision;
  for (const auto& o : s.articles) {
    if (!o) return false;
    // Ids strictly increasing, revisions unique and below the next one: else corrupt.
    if ((!fresh.articles_.empty() && !(fresh.articles_.rbegin()->first < o->id)) || o->id.empty() ||
        o->revision == 0 || o->revision >= fresh.next_revision_ ||
        fresh.by_revision_.count(o->revision) != 0)
      return false;
    article a;
    a.id = o->id;
    a.title = o->title;
    a.body = o->body;
    a.tags = o->tags;
    a.revision = o->revision;
    fresh.by_revision_[a.revision] = a.id;
    fresh.index_.put(a.id, terms_of(a));
    fresh.articles_.emplace_hint(fresh.articles_.end(), a.id, std::move(a));
  }
  *this = std::move(fresh);
  return true;
}

} // namespace aetherial::actors::text
