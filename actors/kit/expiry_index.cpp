#include "actors/kit/expiry_index.hpp"

#include <algorithm>
#include <stdexcept>

namespace aetherial::actors::kit {

namespace {

constexpr std::size_t time_bytes = 8;

// Big-endian with the sign bit flipped: byte order is numeric order, negatives included.
std::uint64_t ordered(std::int64_t at) {
  return static_cast<std::uint64_t>(at) ^ (std::uint64_t{1} << 63);
}

} // namespace

std::string expiry_index::encode(std::int64_t at, std::string_view key) {
  std::string out(time_bytes, '\0');
  const std::uint64_t v = ordered(at);
  for (std::size_t i = 0; i < time_bytes; ++i)
    out[i] = static_cast<char>(v >> (8 * (time_bytes - 1 - i)));
  out.append(key);
  return out;
}

std::optional<index_entry> expiry_index::decode(std::string_view stored) {
  if (stored.size() < time_bytes) return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < time_bytes; ++i)
    v = (v << 8) | static_cast<unsigned char>(stored[i]);
  return index_entry{static_cast<std::int64_t>(v ^ (std::uint64_t{1} << 63)),
                     std::string(stored.substr(time_bytes))};
}

void expiry_index::file(table_store& tables, std::string_view key, std::int64_t at) const {
  tables.put(name_, encode(at, key), {});
  earliest_ = std::min(earliest_, at);
}

void expiry_index::unfile(table_store& tables, std::string_view key, std::int64_t at) const {
  tables.erase(name_, encode(at, key));
}

void expiry_index::refile(table_store& tables, std::string_view key, std::int64_t from,
                          std::int64_t to) const {
  if (from == to) return;
  unfile(tables, key, from);
  file(tables, key, to);
}

std::optional<index_entry> expiry_index::first(const table_store& tables,
                                               std::int64_t until) const {
  if (earliest_ > until) return std::nullopt;
  const std::string from =
      earliest_ == std::numeric_limits<std::int64_t>::min() ? std::string() : encode(earliest_, {});
  std::string stored;
  bool any = false;
  tables.scan(name_, from, {}, [&](std::string_view key, const bytes&) {
    stored.assign(key);
    any = true;
    return false;
  });
  if (!any) {
    earliest_ = std::numeric_limits<std::int64_t>::max();
    return std::nullopt;
  }
  auto found = decode(stored);
  if (!found) throw std::runtime_error("an entry of index '" + name_ + "' is too short");
  earliest_ = found->at;
  if (found->at > until) return std::nullopt;
  return found;
}

std::size_t expiry_index::take_due(
    table_store& tables, std::int64_t now,
    const std::function<std::optional<std::int64_t>(const index_entry&)>& due) const {
  std::size_t taken = 0;
  while (auto e = first(tables, now)) {
    unfile(tables, e->key, e->at);
    ++taken;
    if (const auto again = due(*e)) {
      if (*again <= now)
        throw std::logic_error("index '" + name_ + "': a due entry filed again at or before now");
      file(tables, e->key, *again);
    }
  }
  return taken;
}

} // namespace aetherial::actors::kit
