#include "actors/development/signature.hpp"

#include <cctype>

namespace aetherial::actors::development {

namespace {

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

/// A token looks like a path when it has a separator between other characters.
bool looks_like_path(std::string_view token) {
  const auto slash = token.find_first_of("/\\");
  return slash != std::string_view::npos && token.size() > 1;
}

/// Normalizes the inside of a token that is not a path.
void normalize_token(std::string_view t, std::string& out) {
  std::size_t i = 0;
  while (i < t.size()) {
    if (t[i] == '0' && i + 2 < t.size() && (t[i + 1] == 'x' || t[i + 1] == 'X') &&
        is_hex(t[i + 2])) {
      std::size_t j = i + 2;
      while (j < t.size() && is_hex(t[j]))
        ++j;
      out += "<addr>";
      i = j;
      continue;
    }
    if (is_hex(t[i]) && (i == 0 || !std::isalnum(static_cast<unsigned char>(t[i - 1])))) {
      // A run of 8+ hex digits with at least one digit: an id, a hash, a uuid part.
      std::size_t j = i;
      bool digit = false;
      while (j < t.size() && is_hex(t[j])) {
        digit = digit || is_digit(t[j]);
        ++j;
      }
      if (j - i >= 8 && digit &&
          (j == t.size() || !std::isalnum(static_cast<unsigned char>(t[j])))) {
        out += "<hex>";
        i = j;
        continue;
      }
    }
    if (is_digit(t[i])) {
      std::size_t j = i;
      while (j < t.size() &&
             (is_digit(t[j]) || (t[j] == '.' && j + 1 < t.size() && is_digit(t[j + 1]))))
        ++j;
      out += "<n>";
      i = j;
      continue;
    }
    out += t[i];
    ++i;
  }
}

} // namespace

std::string failure_signature(std::string_view message, std::size_t max_length) {
  std::string out;
  std::size_t i = 0;
  while (i < message.size()) {
    while (i < message.size() && is_space(message[i]))
      ++i;
    if (i >= message.size()) break;
    std::size_t j = i;
    while (j < message.size() && !is_space(message[j]))
      ++j;
    std::string_view token = message.substr(i, j - i);
    if (!out.empty()) out += ' ';
    // Keep surrounding punctuation (quotes, parentheses) out of the path test.
    std::size_t a = 0;
    std::size_t b = token.size();
    while (a < b && std::string_view("([{'\"<").find(token[a]) != std::string_view::npos)
      out += token[a++];
    std::string close;
    while (b > a && std::string_view(")]}'\",;:>").find(token[b - 1]) != std::string_view::npos)
      close.insert(close.begin(), token[--b]);
    const std::string_view core = token.substr(a, b - a);
    if (looks_like_path(core))
      out += "<path>";
    else
      normalize_token(core, out);
    out += close;
    i = j;
  }
  if (out.size() > max_length) out.resize(max_length);
  return out;
}

std::vector<std::string> path_prefixes(std::string_view path) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < path.size(); ++i)
    if (path[i] == '/' && i > 0) out.emplace_back(path.substr(0, i + 1));
  if (!path.empty() && path.back() != '/') out.emplace_back(path);
  return out;
}

} // namespace aetherial::actors::development
