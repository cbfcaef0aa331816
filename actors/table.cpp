#include "actors/table.hpp"

namespace aetherial::actors {

std::optional<bytes> memory_table_store::get(std::string_view table, std::string_view key) const {
  const auto t = tables_.find(table);
  if (t == tables_.end()) return std::nullopt;
  const auto v = t->second.find(key);
  if (v == t->second.end()) return std::nullopt;
  return v->second;
}

void memory_table_store::put(std::string_view table, std::string_view key, bytes value) {
  auto t = tables_.find(table);
  if (t == tables_.end()) t = tables_.emplace(std::string(table), decltype(t->second){}).first;
  auto v = t->second.find(key);
  if (v == t->second.end())
    t->second.emplace(std::string(key), std::move(value));
  else
    v->second = std::move(value);
}

void memory_table_store::erase(std::string_view table, std::string_view key) {
  const auto t = tables_.find(table);
  if (t == tables_.end()) return;
  const auto v = t->second.find(key);
  if (v != t->second.end()) t->second.erase(v);
  if (t->second.empty()) tables_.erase(t);
}

void memory_table_store::scan(
    std::string_view table, std::string_view from, std::string_view to,
    const std::function<bool(std::string_view key, const bytes& value)>& visit) const {
  const auto t = tables_.find(table);
  if (t == tables_.end()) return;
  for (auto it = t->second.lower_bound(from); it != t->second.end(); ++it) {
    if (!to.empty() && std::string_view(it->first) >= to) break;
    if (!visit(it->first, it->second)) break;
  }
}

std::size_t memory_table_store::size(std::string_view table) const {
  const auto t = tables_.find(table);
  return t == tables_.end() ? 0 : t->second.size();
}

} // namespace aetherial::actors
