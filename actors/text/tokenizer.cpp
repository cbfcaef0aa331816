#include "actors/text/tokenizer.hpp"

#include <algorithm>

#include "actors/text/stopwords.hpp"
#include "actors/text/utf8.hpp"

namespace aetherial::actors::text {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Decodes one UTF-8 character at `i`; returns its length (1 for an invalid byte, which then
/// reads as U+FFFD) and stores the code point.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    cp = 0xFFFD;
    return 1;
  }
  if (i + len > s.size()) {
    cp = 0xFFFD;
    return 1;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      cp = 0xFFFD;
      return 1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  return len;
}

void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_word_char(char32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA; // ª µ º
  if (cp == 0xD7 || cp == 0xF7) return false;                   // × ÷
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;               // punctuation, symbols, arrows
  if (cp >= 0x3000 && cp <= 0x303F) return false;               // CJK punctuation
  if (cp == 0xFFFD || (cp >= 0xFE00 && cp <= 0xFE0F)) return false;
  if (cp >= 0x1F000) return false; // emoji and pictographs
  return true;
}

char32_t lower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  return cp;
}

bool is_apostrophe(char32_t cp) {
  return cp == '\'' || cp == 0x2019;
}

} // namespace

std::vector<std::string> words(std::string_view text) {
  if (text.size() > max_text_bytes) text = text.substr(0, max_text_bytes);
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && word.size() <= max_word_bytes) out.push_back(word);
    word.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = decode(text, i, cp);
    if (is_word_char(cp)) {
      encode(lower(cp), word);
    } else if (is_apostrophe(cp) && !word.empty() && i + len < text.size()) {
      // Inside a word ("didn't") the apostrophe is dropped; elsewhere it ends the word.
      char32_t next = 0;
      (void)decode(text, i + len, next);
      if (!is_word_char(next)) flush();
    } else {
      flush();
    }
    i += len;
  }
  flush();
  return out;
}

std::string stem(std::string_view word) {
  std::string w(word);
  if (std::any_of(w.begin(), w.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    return w;
  if (w.size() <= 3) return w;
  // Plurals.
  if (ends_with(w, "ies") && w.size() > 4) {
    w.replace(w.size() - 3, 3, "y");
  } else if (ends_with(w, "sses")) {
    w.erase(w.size() - 2);
  } else if (ends_with(w, "xes") || ends_with(w, "ches") || ends_with(w, "shes")) {
    w.erase(w.size() - 2);
  } else if (ends_with(w, "s") && !ends_with(w, "ss") && !ends_with(w, "us") &&
             !ends_with(w, "is")) {
    w.pop_back();
  }
  // Verb and noun endings, keeping a stem of at least three letters.
  if (ends_with(w, "ation") && w.size() >= 8) {
    w.erase(w.size() - 3);
  } else if (ends_with(w, "ing") && w.size() >= 6) {
    w.erase(w.size() - 3);
  } else if (ends_with(w, "ed") && w.size() >= 5) {
    w.erase(w.size() - 2);
  }
  if (w.size() >= 4 && w.back() == 'e') w.pop_back();
  return w;
}

std::vector<std::string> terms(std::string_view text) {
  std::vector<std::string> out;
  for (auto& w : words(text))
    if (!is_stopword(w)) out.push_back(stem(w));
  return out;
}

term_counts count_terms(std::string_view text) {
  term_counts c;
  for (auto& t : terms(text))
    ++c[t];
  return c;
}

analyzed_text analyze(std::string_view text) {
  analyzed_text a;
  std::map<std::string, std::map<std::string, std::uint32_t>> seen; // term -> word -> count
  for (auto& w : words(text)) {
    ++a.words;
    if (is_stopword(w)) continue;
    std::string t = stem(w);
    ++a.counts[t];
    ++seen[t][w];
  }
  for (const auto& [t, ws] : seen) {
    const std::string* best = nullptr;
    std::uint32_t best_n = 0;
    for (const auto& [w, n] : ws)
      if (best == nullptr || n > best_n || (n == best_n && w.size() < best->size())) {
        best = &w;
        best_n = n;
      }
    a.surface.emplace(t, *best);
  }
  return a;
}

std::vector<std::string> sentences(std::string_view text) {
  if (text.size() > max_text_bytes) text = text.substr(0, max_text_bytes);
  std::vector<std::string> out;
  auto push = [&](std::size_t from, std::size_t to) {
    while (from < to && (text[from] == ' ' || text[from] == '\t' || text[from] == '\r'))
      ++from;
    while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t' || text[to - 1] == '\r'))
      --to;
    if (to > from) out.emplace_back(text.substr(from, to - from));
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      push(start, i);
      start = i + 1;
    } else if ((c == '.' || c == '!' || c == '?') &&
               (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n')) {
      push(start, i + 1);
      start = i + 1;
    }
  }
  push(start, text.size());
  return out;
}

std::string clip(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = utf8_boundary(text, max_bytes);
  const std::size_t space = text.rfind(' ', cut);
  if (space != std::string_view::npos && space > max_bytes / 2) cut = space;
  std::string out(text.substr(0, cut));
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == ';'))
    out.pop_back();
  out += "...";
  return out;
}

bool contains_sequence(const std::vector<std::string>& haystack,
                       const std::vector<std::string>& phrase) {
  if (phrase.empty() || phrase.size() > haystack.size()) return false;
  return std::search(haystack.begin(), haystack.end(), phrase.begin(), phrase.end()) !=
         haystack.end();
}

} // namespace aetherial::actors::text
