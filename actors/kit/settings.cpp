#include "actors/kit/settings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "actors/kit/format.hpp"

namespace aetherial::actors::kit {

namespace {

/// A number for messages, in its shortest exact form ("0.9", "1e+300").
std::string shortest(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string unsigned_text(std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// "an integer", "an integer >= 1", "an integer <= 9", "an integer from 1 to 9".
std::string expected_range(std::string_view what, bool has_min, const std::string& min,
                           bool has_max, const std::string& max) {
  std::string out(what);
  if (has_min && has_max) return out + " from " + min + " to " + max;
  if (has_min) return out + " >= " + min;
  if (has_max) return out + " <= " + max;
  return out;
}

/// A value as it appears in a message: quoted, long values cut.
std::string quoted(std::string_view v) {
  constexpr std::size_t max_shown = 64;
  if (v.size() <= max_shown) return "\"" + std::string(v) + "\"";
  return "\"" + std::string(v.substr(0, max_shown)) + "...\"";
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    std::string_view item =
        s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const auto first = item.find_first_not_of(' ');
    if (first != std::string_view::npos) {
      item = item.substr(first, item.find_last_not_of(' ') - first + 1);
      out.emplace_back(item);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

settings_reader::settings_reader(const agent_settings& settings, std::string_view kind)
    : settings_(settings), prefix_(std::string(kind) + ".") {}

const std::string* settings_reader::find(std::string_view name) {
  std::string key = prefix_ + std::string(name);
  const auto it = settings_.find(key);
  known_.insert(std::move(key));
  return it == settings_.end() ? nullptr : &it->second;
}

void settings_reader::bad(const std::string& key, const std::string& value,
                          std::string_view expected) {
  bad_[key] = "bad setting " + key + " = " + quoted(value) + ": expected " + std::string(expected);
}

void settings_reader::reject(std::string_view name, std::string_view expected) {
  const std::string key = prefix_ + std::string(name);
  known_.insert(key);
  const auto it = settings_.find(key);
  bad(key, it == settings_.end() ? std::string() : it->second, expected);
}

void settings_reader::reject_secret(std::string_view name, std::string_view expected) {
  const std::string key = prefix_ + std::string(name);
  known_.insert(key);
  bad_[key] = "bad setting " + key + " (a secret: its value is not shown): expected " +
              std::string(expected);
}

std::int64_t settings_reader::read_signed(std::string_view name, std::int64_t fallback,
                                          std::int64_t min, std::int64_t max, std::int64_t type_min,
                                          std::int64_t type_max) {
  const std::string* v = find(name);
  if (v == nullptr) return fallback;
  const auto x = parse_integer<long long>(*v);
  if (x && *x >= min && *x <= max && *x >= type_min && *x <= type_max) return *x;
  bad(prefix_ + std::string(name), *v,
      expected_range("an integer", min > std::numeric_limits<std::int64_t>::min(), integer(min),
                     max < std::numeric_limits<std::int64_t>::max(), integer(max)));
  return fallback;
}

std::uint64_t settings_reader::read_unsigned(std::string_view name, std::uint64_t fallback,
                                             std::uint64_t min, std::uint64_t max,
                                             std::uint64_t type_max) {
  const std::string* v = find(name);
  if (v == nullptr) return fallback;
  const auto x = parse_integer<unsigned long long>(*v);
  if (x && *x >= min && *x <= max && *x <= type_max) return *x;
  bad(prefix_ + std::string(name), *v,
      expected_range("an integer", true, unsigned_text(min), true,
                     unsigned_text(std::min(max, type_max))));
  return fallback;
}

int settings_reader::get_int(std::string_view name, int fallback, int min, int max) {
  return get_integer<int>(name, fallback, min, max);
}

std::int64_t settings_reader::get_int64(std::string_view name, std::int64_t fallback,
                                        std::int64_t min, std::int64_t max) {
  return get_integer<std::int64_t>(name, fallback, min, max);
}

double settings_reader::get_double(std::string_view name, double fallback, double min, double max) {
  const std::string* v = find(name);
  if (v == nullptr) return fallback;
  const auto x = parse_double(*v);
  if (x && *x >= min && *x <= max) return *x;
  const bool has_min = min > std::numeric_limits<double>::lowest();
  const bool has_max = max < std::numeric_limits<double>::max();
  std::string expected;
  if (min == above_zero)
    expected = has_max ? "a number > 0 and <= " + shortest(max) : "a number > 0";
  else
    expected = expected_range("a number", has_min, shortest(min), has_max, shortest(max));
  bad(prefix_ + std::string(name), *v, expected);
  return fallback;
}

bool settings_reader::get_bool(std::string_view name, bool fallback) {
  const std::string* v = find(name);
  if (v == nullptr) return fallback;
  if (const auto x = parse_bool(*v)) return *x;
  bad(prefix_ + std::string(name), *v, "true or false (or yes/no, on/off, 1/0)");
  return fallback;
}

std::string settings_reader::get_string(std::string_view name, std::string fallback) {
  const std::string* v = find(name);
  return v == nullptr ? std::move(fallback) : *v;
}

std::size_t settings_reader::get_choice(std::string_view name, std::size_t fallback,
                                        std::initializer_list<std::string_view> choices) {
  const std::string* v = find(name);
  if (v == nullptr) return fallback;
  std::size_t i = 0;
  std::string expected = "one of";
  for (const auto c : choices) {
    if (*v == c) return i;
    expected += (i++ == 0 ? " " : ", ") + std::string(c);
  }
  bad(prefix_ + std::string(name), *v, expected);
  return fallback;
}

std::vector<std::string> settings_reader::get_list(std::string_view name,
                                                   std::vector<std::string> fallback) {
  const std::string* v = find(name);
  return v == nullptr ? std::move(fallback) : split_list(*v);
}

std::map<std::string, std::string> settings_reader::get_family(std::string_view family) {
  const std::string family_prefix = prefix_ + std::string(family) + ".";
  families_.insert(family_prefix);
  std::map<std::string, std::string> out;
  for (auto it = settings_.lower_bound(family_prefix);
       it != settings_.end() && starts_with(it->first, family_prefix); ++it)
    if (it->first.size() > family_prefix.size())
      out.emplace(it->first.substr(family_prefix.size()), it->second);
  return out;
}

std::vector<std::string> settings_reader::errors() const {
  std::map<std::string, std::string> problems = bad_;
  std::string known;
  const auto known_list = [&] {
    if (!known.empty()) return known;
    // Keys and families in one sorted list: "a.b, a.family.<name>, a.c".
    std::set<std::string> all = known_;
    for (const auto& f : families_)
      all.insert(f + "<name>");
    for (const auto& k : all)
      known += (known.empty() ? "" : ", ") + k;
    if (known.empty()) known = "none";
    return known;
  };
  for (auto it = settings_.lower_bound(prefix_);
       it != settings_.end() && starts_with(it->first, prefix_); ++it) {
    const auto& key = it->first;
    if (known_.count(key) != 0) continue;
    bool in_family = false;
    for (const auto& f : families_)
      in_family = in_family || (starts_with(key, f) && key.size() > f.size());
    if (in_family) continue;
    problems.emplace(key, "unknown setting " + key + " (known: " + known_list() + ")");
  }
  std::vector<std::string> out;
  out.reserve(problems.size());
  for (auto& [key, message] : problems)
    out.push_back(std::move(message));
  return out;
}

} // namespace aetherial::actors::kit
