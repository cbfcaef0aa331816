#include "actors/table.hpp"

#include <stdexcept>

namespace aetherial::actors {

void check_table_key(std::string_view table, std::string_view key) {
  if (table.empty() || table.size() > max_table_name_bytes ||
      table.find('\0') != std::string_view::npos)
    throw std::invalid_argument("table name '" + std::string(table.substr(0, 64)) +
                                "' is not 1 to 256 bytes without NUL");
  if (key.size() > max_table_key_bytes)
    throw std::invalid_argument("table key of " + std::to_string(key.size()) + " bytes exceeds " +
                                std::to_string(max_table_key_bytes));
}

void check_table_value(std::size_t size) {
  if (size > max_table_value_bytes)
    throw std::invalid_argument("table value of " + std::to_string(size) + " bytes exceeds " +
                                std::to_string(max_table_value_bytes));
}

std::optional<bytes> memory_table_store::get(std::string_view table, std::string_view key) const {
  check_table_key(table, key);
  const auto t = tables_.find(table);
  if (t == tables_.end()) return std::nullopt;
  const auto v = t->second.find(key);
  if (v == t->second.end()) return std::nullopt;
  return v->second;
}

void memory_table_store::put(std::string_view table, std::string_view key, bytes value) {
  check_table_key(table, key);
  check_table_value(value.size());
  auto t = tables_.find(table);
  if (t == tables_.end()) t = tables_.emplace(std::string(table), decltype(t->second){}).first;
  auto v = t->second.find(key);
  if (v == t->second.end())
    t->second.emplace(std::string(key), std::move(value));
  else
    v->second = std::move(value);
}

void memory_table_store::erase(std::string_view table, std::string_view key) {
  check_table_key(table, key);
  const auto t = tables_.find(table);
  if (t == tables_.end()) return;
  const auto v = t->second.find(key);
  if (v != t->second.end()) t->second.erase(v);
  if (t->second.empty()) tables_.erase(t);
}

void memory_table_store::scan(
    std::string_view table, std::string_view from, std::string_view to,
    const std::function<bool(std::string_view key, const bytes& value)>& visit) const {
  check_table_key(table, from);
  check_table_key(table, to);
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

std::vector<std::string> keys_of(const table_store& tables, std::string_view table) {
  std::vector<std::string> keys;
  tables.scan(table, {}, {}, [&](std::string_view key, const bytes&) {
    keys.emplace_back(key);
    return true;
  });
  return keys;
}

} // namespace aetherial::actors
