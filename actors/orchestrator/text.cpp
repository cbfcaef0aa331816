#include "actors/orchestrator/text.hpp"

#include "actors/text/utf8.hpp"

namespace aetherial::actors::orchestrator {

namespace {

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// U+2019 RIGHT SINGLE QUOTATION MARK, the typographic apostrophe.
bool right_quote_at(std::string_view s, std::size_t i) {
  return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
         static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         static_cast<unsigned char>(s[i + 2]) == 0x99;
}

std::size_t apostrophe_len(std::string_view s, std::size_t i) {
  if (s[i] == '\'') return 1;
  if (right_quote_at(s, i)) return 3;
  return 0;
}

} // namespace

tokens tokenize(std::string_view text) {
  tokens out;
  token cur;
  auto flush = [&] {
    if (!cur.norm.empty()) out.push_back(std::move(cur));
    cur = token{};
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    // An apostrophe between two word bytes joins them ("didn't", "today's").
    if (const std::size_t a = apostrophe_len(text, i);
        a > 0 && !cur.norm.empty() && i + a < text.size() &&
        is_word_byte(static_cast<unsigned char>(text[i + a])) && !right_quote_at(text, i + a)) {
      cur.orig.append(text.substr(i, a));
      i += a;
      continue;
    }
    // A decimal point inside a number stays in it ("2.3").
    if (c == '.' && !cur.norm.empty() && cur.norm.back() >= '0' && cur.norm.back() <= '9' &&
        i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
      cur.norm.push_back('.');
      cur.orig.push_back('.');
      ++i;
      continue;
    }
    if (is_word_byte(c) && !right_quote_at(text, i)) {
      cur.norm.push_back(lower(static_cast<char>(c)));
      cur.orig.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    flush();
    if (c == ',' || c == ';' || c == ':') {
      if (!out.empty() && out.back().norm != ",") out.push_back(token{",", ","});
    }
    i += right_quote_at(text, i) ? 3 : 1;
  }
  flush();
  while (!out.empty() && out.back().norm == ",")
    out.pop_back();
  return out;
}

phrase make_phrase(std::string_view words) {
  phrase p;
  std::string cur;
  for (char c : words) {
    if (c == ' ') {
      if (!cur.empty()) p.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) p.push_back(std::move(cur));
  return p;
}

std::size_t find_phrase(const tokens& t, const phrase& p, std::size_t from) {
  if (p.empty() || p.size() > t.size()) return std::string::npos;
  for (std::size_t i = from; i + p.size() <= t.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < p.size() && match; ++k)
      match = t[i + k].norm == p[k];
    if (match) return i;
  }
  return std::string::npos;
}

std::string join_orig(const tokens& t, std::size_t begin, std::size_t end) {
  std::string s;
  for (std::size_t i = begin; i < end && i < t.size(); ++i) {
    if (t[i].norm == ",") {
      s += ",";
      continue;
    }
    if (!s.empty()) s += ' ';
    s += t[i].orig;
  }
  return s;
}

bool one_of(std::string_view word, const std::vector<std::string_view>& words) {
  for (auto w : words)
    if (w == word) return true;
  return false;
}

std::string truncate_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  return std::string(s.substr(0, actors::text::utf8_boundary(s, max_bytes)));
}

std::string capitalized(std::string_view s) {
  std::string r(s);
  if (!r.empty() && r[0] >= 'a' && r[0] <= 'z') r[0] = static_cast<char>(r[0] - 'a' + 'A');
  return r;
}

std::string joined(const std::vector<std::string>& items, std::string_view sep) {
  std::string s;
  for (const auto& x : items) {
    if (!s.empty()) s += sep;
    s += x;
  }
  return s;
}

std::string render(const std::string& tmpl, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size();) {
    const auto close = tmpl[i] == '{' ? tmpl.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out.push_back(tmpl[i++]);
      continue;
    }
    const std::string inner = tmpl.substr(i + 1, close - i - 1);
    const auto dollar = inner.find('$');
    if (dollar == std::string::npos) {
      const auto it = values.find(inner);
      out += it != values.end() ? it->second : tmpl.substr(i, close - i + 1);
    } else {
      std::size_t end = dollar + 1;
      while (end < inner.size() && inner[end] != ' ')
        ++end;
      const auto it = values.find(inner.substr(dollar + 1, end - dollar - 1));
      if (it != values.end() && !it->second.empty())
        out += inner.substr(0, dollar) + it->second + inner.substr(end);
    }
    i = close + 1;
  }
  return out;
}

} // namespace aetherial::actors::orchestrator
