#include "actors/security/signatures.hpp"

#include <array>
#include <cstdint>

namespace aetherial::actors::security {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

// Decodes the HTML character references an attacker uses to hide markup: named ones for the
// markup characters, and numeric ones (decimal and hex) below 128.
std::string html_decode(std::string_view s) {
  static constexpr std::array<std::pair<std::string_view, char>, 7> named{{{"lt;", '<'},
                                                                           {"gt;", '>'},
                                                                           {"quot;", '"'},
                                                                           {"apos;", '\''},
                                                                           {"amp;", '&'},
                                                                           {"colon;", ':'},
                                                                           {"lpar;", '('}}};
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    const std::string_view rest = s.substr(i + 1);
    bool done = false;
    for (const auto& [name, ch] : named) {
      if (rest.size() >= name.size() && rest.substr(0, name.size()) == name) {
        out.push_back(ch);
        i += name.size();
        done = true;
        break;
      }
    }
    if (done) continue;
    if (!rest.empty() && rest[0] == '#') {
      const bool hex = rest.size() > 1 && (rest[1] == 'x' || rest[1] == 'X');
      std::size_t j = hex ? 2 : 1;
      std::uint32_t v = 0;
      std::size_t digits = 0;
      while (j < rest.size() && digits < 7) {
        const int d =
            hex ? hex_value(rest[j]) : (rest[j] >= '0' && rest[j] <= '9' ? rest[j] - '0' : -1);
        if (d < 0) break;
        v = v * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
        ++j;
        ++digits;
      }
      if (digits > 0 && v < 128) {
        if (j < rest.size() && rest[j] == ';') ++j;
        out.push_back(static_cast<char>(v));
        i += j;
        continue;
      }
    }
    out.push_back('&');
  }
  return out;
}

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (c >= 'A' && c <= 'Z');
}

bool word_start(std::string_view s, std::size_t at) {
  return at == 0 || !is_word(s[at - 1]);
}

bool word_end(std::string_view s, std::size_t at) {
  return at >= s.size() || !is_word(s[at]);
}

// `needle` in `s` starting on a word boundary (and ending on one if `whole`).
bool has_word(std::string_view s, std::string_view needle, bool whole = true) {
  for (std::size_t at = s.find(needle); at != std::string_view::npos; at = s.find(needle, at + 1)) {
    if (!word_start(s, at)) continue;
    if (whole && !word_end(s, at + needle.size())) continue;
    return true;
  }
  return false;
}

// A simple operand: an optional quote, a run of word characters, the same quote.
std::optional<std::string_view> operand(std::string_view s, std::size_t& i) {
  char quote = 0;
  if (i < s.size() && (s[i] == '\'' || s[i] == '"')) quote = s[i++];
  const std::size_t start = i;
  while (i < s.size() && is_word(s[i]))
    ++i;
  if (i == start) return std::nullopt;
  const std::string_view word = s.substr(start, i - start);
  if (quote != 0) {
    if (i < s.size() && s[i] == quote) ++i;
  }
  return word;
}

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && s[i] == ' ')
    ++i;
}

// "or 1=1", "' or 'a'='a", "and x = x": a boolean keyword before a comparison of equal
// operands, the classic always-true condition.
bool has_tautology(std::string_view s) {
  for (std::string_view kw : {std::string_view("or"), std::string_view("and")}) {
    for (std::size_t at = s.find(kw); at != std::string_view::npos; at = s.find(kw, at + 1)) {
      if (!word_start(s, at) || !word_end(s, at + kw.size())) continue;
      std::size_t i = at + kw.size();
      if (i >= s.size() || (s[i] != ' ' && s[i] != '\'' && s[i] != '"')) continue;
      skip_space(s, i);
      const auto left = operand(s, i);
      if (!left) continue;
      skip_space(s, i);
      if (i >= s.size() || s[i] != '=') continue;
      ++i;
      skip_space(s, i);
      const auto right = operand(s, i);
      if (right && *left == *right) return true;
    }
  }
  // "' or true": after a closing quote the condition itself is the constant.
  for (std::size_t at = s.find('\''); at != std::string_view::npos; at = s.find('\'', at + 1)) {
    std::size_t i = at + 1;
    skip_space(s, i);
    const std::string_view rest = s.substr(i);
    if (rest.substr(0, 7) == "or true" && word_end(s, i + 7)) return true;
  }
  return false;
}

// A quote closing the string and a comment cutting the rest of the query off.
bool has_comment_cut(std::string_view s) {
  if (s.find(";--") != std::string_view::npos) return true;
  if (s.find("'--") != std::string_view::npos) return true;
  if (s.find("'#") != std::string_view::npos) return true;
  if (s.find("'/*") != std::string_view::npos) return true;
  // "admin' -- " only at the end: inside prose "'quoted' -- aside" is ordinary punctuation.
  std::string_view t = s;
  while (!t.empty() && t.back() == ' ')
    t.remove_suffix(1);
  if (t.size() >= 4 && t.substr(t.size() - 4) == "' --") return true;
  return false;
}

// "; drop table", "'; delete from": a statement stacked after the intended one.
bool has_stacked_query(std::string_view s) {
  static constexpr std::array<std::string_view, 8> statements{
      "drop table", "drop database", "delete from", "insert into",
      "update ",    "shutdown",      "exec ",       "select "};
  for (std::size_t at = s.find(';'); at != std::string_view::npos; at = s.find(';', at + 1)) {
    std::size_t i = at + 1;
    skip_space(s, i);
    for (auto st : statements)
      if (s.substr(i, st.size()) == st) return true;
  }
  return false;
}

bool has_union_select(std::string_view s) {
  for (std::size_t at = s.find("union"); at != std::string_view::npos;
       at = s.find("union", at + 1)) {
    if (!word_start(s, at)) continue;
    std::size_t i = at + 5;
    skip_space(s, i);
    if (s.substr(i, 3) == "all" && word_end(s, i + 3)) {
      i += 3;
      skip_space(s, i);
    }
    if (i > at + 5 && s.substr(i, 6) == "select" && word_end(s, i + 6)) return true;
  }
  return false;
}

// "javascript:alert(1)"; "javascript: the good parts" (a space after the colon) is prose.
bool has_script_scheme(std::string_view s, std::string_view scheme) {
  for (std::size_t at = s.find(scheme); at != std::string_view::npos; at = s.find(scheme, at + 1)) {
    if (!word_start(s, at)) continue;
    const std::size_t after = at + scheme.size();
    if (after < s.size() && s[after] != ' ') return true;
  }
  return false;
}

// An inline event handler attribute: "onerror=", "onload =".
bool has_event_handler(std::string_view s) {
  static constexpr std::array<std::string_view, 18> handlers{
      "onerror",      "onload",   "onclick",  "onmouseover",      "onfocus",  "onblur",
      "onmouseenter", "onchange", "onsubmit", "onanimationstart", "ontoggle", "onpointerover",
      "onkeydown",    "onkeyup",  "oninput",  "onbegin",          "onwheel",  "onmouseout"};
  for (auto h : handlers) {
    for (std::size_t at = s.find(h); at != std::string_view::npos; at = s.find(h, at + 1)) {
      if (!word_start(s, at) || !word_end(s, at + h.size())) continue;
      std::size_t i = at + h.size();
      skip_space(s, i);
      if (i < s.size() && s[i] == '=') return true;
    }
  }
  return false;
}

} // namespace

std::string fold_param(std::string_view raw, std::size_t max_bytes) {
  if (raw.size() > max_bytes) raw = raw.substr(0, max_bytes);
  std::string once = url_decode(raw, true);
  // Double encoding ("%2527") decodes to a second layer of escapes.
  std::string decoded = once.find('%') != std::string::npos ? url_decode(once, false) : once;
  decoded = html_decode(decoded);

  std::string folded;
  folded.reserve(decoded.size());
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    char c = decoded[i];
    // A block comment is whitespace to SQL: "union/**/select".
    if (c == '/' && i + 1 < decoded.size() && decoded[i + 1] == '*') {
      const std::size_t end = decoded.find("*/", i + 2);
      if (end != std::string::npos) {
        i = end + 1;
        c = ' ';
      }
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    if (c == ' ' && !folded.empty() && folded.back() == ' ') continue;
    folded.push_back(c);
  }
  return folded;
}

std::optional<signature_match> match_signature(std::string_view s) {
  constexpr std::string_view sqli = "sql_injection";
  constexpr std::string_view xss = "xss";
  if (has_tautology(s)) return signature_match{sqli, "tautology (' or 1=1)"};
  if (has_union_select(s)) return signature_match{sqli, "union select"};
  if (has_stacked_query(s)) return signature_match{sqli, "stacked query (; drop table)"};
  if (has_comment_cut(s)) return signature_match{sqli, "comment cut (;--)"};
  for (std::string_view f : {std::string_view("sleep("), std::string_view("pg_sleep("),
                             std::string_view("benchmark("), std::string_view("load_file(")})
    if (has_word(s, f, false)) return signature_match{sqli, f};
  for (std::string_view f :
       {std::string_view("waitfor delay"), std::string_view("information_schema"),
        std::string_view("xp_cmdshell"), std::string_view("into outfile")})
    if (has_word(s, f)) return signature_match{sqli, f};

  if (s.find("<script") != std::string_view::npos) return signature_match{xss, "<script"};
  if (s.find("</script") != std::string_view::npos) return signature_match{xss, "<script"};
  if (has_script_scheme(s, "javascript:")) return signature_match{xss, "javascript:"};
  if (has_script_scheme(s, "vbscript:")) return signature_match{xss, "vbscript:"};
  if (has_event_handler(s)) return signature_match{xss, "event handler (onerror=)"};
  for (std::string_view f : {std::string_view("<iframe"), std::string_view("<object"),
                             std::string_view("<embed"), std::string_view("srcdoc=")})
    if (s.find(f) != std::string_view::npos) return signature_match{xss, f};
  if (has_word(s, "document.cookie")) return signature_match{xss, "document.cookie"};
  if (has_word(s, "expression(", false)) return signature_match{xss, "expression("};
  return std::nullopt;
}

} // namespace aetherial::actors::security
