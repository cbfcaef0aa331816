#include "runtime/host_tables.hpp"

#include <stdexcept>
#include <utility>

namespace aetherial::runtime {

namespace {

std::string full_key(std::string_view table, std::string_view key) {
  std::string k;
  k.reserve(table.size() + 1 + key.size());
  k += table;
  k += '\0';
  k += key;
  return k;
}

} // namespace

host_tables::host_tables(const storage::snapshot_store* store, std::string agent,
                         std::int32_t partition)
    : store_(store), agent_(std::move(agent)), partition_(partition) {}

const std::optional<actors::bytes>* host_tables::changed(const std::string& full) const {
  if (const auto it = recent_.find(full); it != recent_.end()) return &it->second;
  if (const auto it = handed_.find(full); it != handed_.end()) return &it->second;
  return nullptr;
}

std::optional<actors::bytes> host_tables::get(std::string_view table, std::string_view key) const {
  actors::check_table_key(table, key);
  if (const auto* c = changed(full_key(table, key))) return *c;
  if (store_ == nullptr) return std::nullopt;
  auto r = store_->table_get(agent_, partition_, table, key);
  if (!r) throw std::runtime_error("table read failed: " + r.error_value().message);
  return std::move(r.value());
}

void host_tables::put(std::string_view table, std::string_view key, actors::bytes value) {
  actors::check_table_key(table, key);
  actors::check_table_value(value.size());
  recent_[full_key(table, key)] = std::move(value);
}

void host_tables::erase(std::string_view table, std::string_view key) {
  actors::check_table_key(table, key);
  recent_[full_key(table, key)] = std::nullopt;
}

void host_tables::scan(
    std::string_view table, std::string_view from, std::string_view to,
    const std::function<bool(std::string_view key, const actors::bytes& value)>& visit) const {
  actors::check_table_key(table, from);
  actors::check_table_key(table, to);
  // The changes in range, the newer (recent_) over the older (handed_), merged as they are
  // visited: a scan that stops early reads only the changes before where it stopped.
  const std::string lower = full_key(table, from);
  std::string upper = full_key(table, to);
  if (to.empty()) upper.back() = '\1'; // table + '\1': past every key of the table
  const auto prefix = table.size() + 1;
  auto h = handed_.lower_bound(lower);
  auto r = recent_.lower_bound(lower);
  const auto h_end = handed_.lower_bound(upper);
  const auto r_end = recent_.lower_bound(upper);
  // The next changed key and its change (nullptr: none left); `advance` steps past it.
  struct change {
    std::string_view key;
    const std::optional<actors::bytes>* value = nullptr;
  };
  const auto peek = [&]() -> change {
    const bool has_h = h != h_end;
    const bool has_r = r != r_end;
    if (!has_h && !has_r) return {};
    if (has_r && (!has_h || r->first <= h->first))
      return {std::string_view(r->first).substr(prefix), &r->second};
    return {std::string_view(h->first).substr(prefix), &h->second};
  };
  const auto advance = [&] {
    const bool has_h = h != h_end;
    const bool has_r = r != r_end;
    if (has_r && has_h && r->first == h->first) {
      ++r;
      ++h;
    } else if (has_r && (!has_h || r->first < h->first)) {
      ++r;
    } else {
      ++h;
    }
  };

  bool go = true;
  // Changed keys before `key` (all when null), in order; false once `visit` says stop.
  const auto flush_until = [&](const std::string_view* key) {
    for (auto c = peek(); go && c.value != nullptr && (key == nullptr || c.key < *key);
         c = peek()) {
      advance();
      if (*c.value) go = visit(c.key, **c.value);
    }
    return go;
  };
  if (store_ != nullptr) {
    auto scanned = store_->table_scan(
        agent_, partition_, table, from, to, [&](std::string_view key, const actors::bytes& value) {
          if (!flush_until(&key)) return false;
          if (const auto c = peek(); c.value != nullptr && c.key == key) {
            advance();
            if (*c.value) go = visit(key, **c.value);
            return go;
          }
          go = visit(key, value);
          return go;
        });
    if (!scanned) throw std::runtime_error("table scan failed: " + scanned.error_value().message);
  }
  flush_until(nullptr);
}

std::vector<storage::table_change> host_tables::hand_over(std::uint64_t& number) {
  for (auto& [k, v] : recent_)
    handed_[k] = std::move(v);
  recent_.clear();
  std::vector<storage::table_change> out;
  out.reserve(handed_.size());
  for (const auto& [k, v] : handed_) {
    const auto nul = k.find('\0');
    out.push_back({k.substr(0, nul), k.substr(nul + 1), v});
  }
  number = ++handovers_;
  return out;
}

void host_tables::reset() {
  recent_.clear();
  handed_.clear();
}

void host_tables::stored(std::uint64_t number) {
  if (number == handovers_) handed_.clear();
}

} // namespace aetherial::runtime
