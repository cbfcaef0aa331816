#include "actors/kit/redact.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace aetherial::actors::kit {

namespace {

enum class pii : std::uint8_t { email, card, phone, ip };

/// A found piece of personal data: bytes [begin, end) of the text.
struct span {
  std::size_t begin = 0;
  std::size_t end = 0;
  pii kind = pii::email;
};

constexpr std::string_view marker(pii k) noexcept {
  switch (k) {
    case pii::email: return "[email]";
    case pii::card: return "[card]";
    case pii::phone: return "[phone]";
    case pii::ip: return "[ip]";
  }
  return "[redacted]";
}

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_alnum(char c) noexcept {
  return is_digit(c) || is_alpha(c);
}
constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool is_word(char c) noexcept {
  return is_alnum(c) || c == '_';
}
constexpr bool one_of(char c, std::string_view set) noexcept {
  return set.find(c) != std::string_view::npos;
}

// Whether a number may begin at `i`: not inside a word, nor after the point of a decimal
// ("12.345") or a thousands separator.
bool number_starts(std::string_view s, std::size_t i) noexcept {
  if (i == 0) return true;
  const char p = s[i - 1];
  if (is_word(p) || p == '@') return false;
  return !(one_of(p, ".,") && i >= 2 && is_digit(s[i - 2]));
}

// Whether a number may end before `e`: not inside a word, nor before a decimal point.
bool number_ends(std::string_view s, std::size_t e) noexcept {
  if (e >= s.size()) return true;
  const char c = s[e];
  if (is_word(c) || c == '@') return false;
  return !(one_of(c, ".,") && e + 1 < s.size() && is_digit(s[e + 1]));
}

// ---- e-mail ------------------------------------------------------------------------------

constexpr bool local_char(char c) noexcept {
  return is_alnum(c) || one_of(c, "._%+-'");
}
constexpr bool domain_char(char c) noexcept {
  return is_alnum(c) || c == '.' || c == '-';
}

// At least two labels of letters, digits and inner dashes; a top-level domain of letters.
bool valid_domain(std::string_view d) noexcept {
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= d.size()) {
    std::size_t dot = d.find('.', start);
    if (dot == std::string_view::npos) dot = d.size();
    const std::string_view label = d.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    ++labels;
    if (dot == d.size()) {
      if (labels < 2 || label.size() < 2) return false;
      return std::all_of(label.begin(), label.end(), is_alpha);
    }
    start = dot + 1;
  }
  return false;
}

// Every '@' is looked at once; the scan to its left stops at the previous '@' (not a local
// character), the scan to its right at the next: each byte is read at most twice.
void find_emails(std::string_view s, std::vector<span>& out) {
  std::size_t floor = 0; // the end of the last address found
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '@') continue;
    std::size_t l = i;
    while (l > floor && local_char(s[l - 1]))
      --l;
    while (l < i && !is_alnum(s[l]))
      ++l; // a local part begins with a letter or digit
    if (l == i || s[i - 1] == '.') continue;
    std::size_t r = i + 1;
    while (r < s.size() && domain_char(s[r]))
      ++r;
    while (r > i + 1 && (s[r - 1] == '.' || s[r - 1] == '-'))
      --r; // the full stop of a sentence
    if (!valid_domain(s.substr(i + 1, r - i - 1))) continue;
    out.push_back({l, r, pii::email});
    floor = r;
    i = r - 1;
  }
}

// ---- payment cards -----------------------------------------------------------------------

struct digits_run {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Runs of digits split by single spaces or dashes (and not by what another class took);
// candidates are consecutive groups of 13 to 19 digits in all, the first not 0, whose Luhn sum
// holds, the longest from the leftmost group first. At most 19 groups and 20 digits are looked
// at per starting group, so the work is linear.
void find_cards(std::string_view s, const std::vector<char>& taken, std::vector<span>& out) {
  const std::size_t n = s.size();
  std::vector<digits_run> groups;
  std::size_t i = 0;
  while (i < n) {
    if (!is_digit(s[i]) || taken[i] != 0) {
      ++i;
      continue;
    }
    const bool start_ok = number_starts(s, i);
    groups.clear();
    std::size_t j = i;
    for (;;) {
      const std::size_t b = j;
      while (j < n && is_digit(s[j]) && taken[j] == 0)
        ++j;
      groups.push_back({b, j});
      if (j + 1 < n && (s[j] == ' ' || s[j] == '-') && is_digit(s[j + 1]) && taken[j + 1] == 0) {
        ++j;
        continue;
      }
      break;
    }
    const bool end_ok = number_ends(s, j) && (j >= n || taken[j] == 0);
    const std::size_t k = groups.size();
    std::size_t a = start_ok ? 0 : 1;
    while (a < k) {
      if (s[groups[a].begin] == '0') { // no card number begins with 0
        ++a;
        continue;
      }
      // s0 doubles the digits at even positions from the left, s1 those at odd ones; a number
      // of length L doubles the positions of parity L % 2.
      unsigned s0 = 0, s1 = 0;
      std::size_t len = 0;
      std::size_t best = k;
      for (std::size_t g = a; g < k && len <= 19; ++g) {
        for (std::size_t p = groups[g].begin; p < groups[g].end && len <= 19; ++p, ++len) {
          const unsigned d = static_cast<unsigned>(s[p] - '0');
          const unsigned dd = d * 2 > 9 ? d * 2 - 9 : d * 2;
          if (len % 2 == 0) {
            s0 += dd;
            s1 += d;
          } else {
            s0 += d;
            s1 += dd;
          }
        }
        if (len < 13 || len > 19) continue;
        if (g + 1 == k && !end_ok) continue;
        if ((len % 2 == 0 ? s0 : s1) % 10 == 0) best = g;
      }
      if (best == k) {
        ++a;
        continue;
      }
      out.push_back({groups[a].begin, groups[best].end, pii::card});
      a = best + 1;
    }
    i = j;
  }
}

// ---- phone numbers -----------------------------------------------------------------------

struct phone_group {
  std::size_t begin = 0;      ///< first byte, '(' included
  std::size_t end = 0;        ///< past the last byte, ')' included
  std::size_t digits = 0;     ///< how many digits
  char first = 0, second = 0; ///< its first two digits
  bool paren = false;         ///< written "(...)"
  char sep_after = 0;         ///< separator to the next group (0: none, after a ')')
};

constexpr bool phone_sep(char c) noexcept {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

// "+" then 8 to 15 digits, with at most two separators in a row between them. Returns where
// the scan stopped (past `i`); pushes a span when it is a number.
std::size_t international_phone(std::string_view s, const std::vector<char>& taken, std::size_t i,
                                std::vector<span>& out) {
  const std::size_t n = s.size();
  std::size_t j = i + 1, digits = 0, last = i + 1;
  while (j < n && taken[j] == 0) {
    if (is_digit(s[j])) {
      ++digits;
      last = ++j;
      continue;
    }
    std::size_t k = j;
    while (k < n && k - j < 2 && phone_sep(s[k]) && taken[k] == 0)
      ++k;
    if (k == j || k >= n || !is_digit(s[k]) || taken[k] != 0) break;
    j = k;
  }
  if (digits >= 8 && digits <= 15 && number_ends(s, last) && (last >= n || taken[last] == 0))
    out.push_back({i, last, pii::phone});
  return std::max(j, i + 1);
}

// Reads the groups of a national number from `i` (a digit or "(" and a digit): digits split
// by single spaces, dashes or dots, the first group (or one after a space) possibly in
// parentheses. Returns the end of the run.
std::size_t phone_groups(std::string_view s, const std::vector<char>& taken, std::size_t i,
                         std::vector<phone_group>& groups) {
  const std::size_t n = s.size();
  const auto free_digit = [&](std::size_t p) { return p < n && is_digit(s[p]) && taken[p] == 0; };
  groups.clear();
  std::size_t j = i;
  while (j < n) {
    phone_group g;
    g.begin = j;
    if (s[j] == '(') {
      if (!free_digit(j + 1)) break;
      g.paren = true;
      ++j;
    }
    const std::size_t d = j;
    while (free_digit(j))
      ++j;
    g.digits = j - d;
    g.first = s[d];
    g.second = g.digits > 1 ? s[d + 1] : '\0';
    if (g.paren) {
      if (j >= n || s[j] != ')') {
        // An unclosed parenthesis: the run ends before it.
        return groups.empty() ? j : groups.back().end;
      }
      ++j;
    }
    g.end = j;
    const bool next_group =
        j + 1 < n && one_of(s[j], g.paren ? " -" : " -.") &&
        (free_digit(j + 1) || (s[j] == ' ' && s[j + 1] == '(' && free_digit(j + 2)));
    if (next_group) {
      g.sep_after = s[j];
      groups.push_back(g);
      ++j;
      continue;
    }
    if (g.paren && free_digit(j)) { // "(555)123-4567"
      groups.push_back(g);
      continue;
    }
    groups.push_back(g);
    break;
  }
  return groups.empty() ? std::max(j, i + 1) : groups.back().end;
}

// The national shapes over the groups of one run; a number starts at the run's start or after
// a space, and ends at the run's end or before a space.
void national_phones(const std::vector<phone_group>& g, bool start_ok, bool end_ok,
                     std::vector<span>& out) {
  const std::size_t k = g.size();
  const auto may_start = [&](std::size_t a) {
    return a == 0 ? start_ok : g[a - 1].sep_after == ' ';
  };
  const auto may_end = [&](std::size_t b) { return b + 1 == k ? end_ok : g[b].sep_after == ' '; };
  // North American: [1] (555) 123-4567, 555-123-4567, 555.123.4567.
  const auto north_american = [&](std::size_t a) -> std::size_t {
    std::size_t x = a;
    if (g[x].digits == 1 && g[x].first == '1' && !g[x].paren && g[x].sep_after != 0) ++x;
    if (x + 2 >= k) return 0;
    if (g[x].digits != 3 || g[x + 1].digits != 3 || g[x + 2].digits != 4) return 0;
    if (g[x + 1].paren || g[x + 2].paren || g[x + 1].sep_after == 0) return 0;
    if (g[x].sep_after == 0 && !g[x].paren) return 0;
    return may_end(x + 2) ? x + 3 : 0;
  };
  // A trunk 0: 9 to 12 digits (10 or 11 written without separators); not dd.mm.yyyy.
  const auto trunk_zero = [&](std::size_t a) -> std::size_t {
    if (g[a].first != '0' || g[a].digits < 2 || g[a].second == '0') return 0;
    if (a + 2 < k && g[a].digits == 2 && g[a + 1].digits == 2 && g[a + 2].digits == 4 &&
        g[a].sep_after != ' ')
      return 0;
    std::size_t total = 0, best = 0;
    for (std::size_t b = a; b < k; ++b) {
      if (b > a && g[b].paren) break;
      total += g[b].digits;
      if (total > 12) break;
      const bool fits = b == a ? total >= 10 && total <= 11 : total >= 9;
      if (fits && may_end(b)) best = b + 1;
    }
    return best;
  };
  std::size_t a = 0;
  while (a < k) {
    std::size_t e = 0;
    if (may_start(a)) {
      e = north_american(a);
      if (e == 0) e = trunk_zero(a);
    }
    if (e == 0) {
      ++a;
      continue;
    }
    out.push_back({g[a].begin, g[e - 1].end, pii::phone});
    a = e;
  }
}

void find_phones(std::string_view s, const std::vector<char>& taken, std::vector<span>& out) {
  const std::size_t n = s.size();
  std::vector<phone_group> groups;
  std::size_t i = 0;
  while (i < n) {
    const char c = s[i];
    if (taken[i] != 0) {
      ++i;
      continue;
    }
    if (c == '+' && i + 1 < n && (is_digit(s[i + 1]) || s[i + 1] == '(') &&
        (i == 0 || !(is_word(s[i - 1]) || s[i - 1] == '+'))) {
      i = international_phone(s, taken, i, out);
      while (i < n && is_digit(s[i]))
        ++i;
      continue;
    }
    const bool opens =
        is_digit(c) || (c == '(' && i + 1 < n && is_digit(s[i + 1]) && taken[i + 1] == 0);
    if (!opens) {
      ++i;
      continue;
    }
    const bool start_ok = number_starts(s, i) && (i == 0 || !one_of(s[i - 1], "+-/:"));
    const std::size_t j = phone_groups(s, taken, i, groups);
    if (!groups.empty())
      national_phones(groups, start_ok, number_ends(s, j) && (j >= n || taken[j] == 0), out);
    i = std::max(j, i + 1);
    while (i < n && is_digit(s[i]))
      ++i;
  }
}

// ---- IP addresses ------------------------------------------------------------------------

// Four octets 0-255 without leading zeros, not part of a longer dotted number.
void find_ipv4(std::string_view s, std::vector<span>& out) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (!is_digit(s[i])) {
      ++i;
      continue;
    }
    const bool start_ok = i == 0 || !(is_word(s[i - 1]) || s[i - 1] == '.');
    std::size_t j = i;
    bool ok = start_ok;
    for (int octet = 0; ok && octet < 4; ++octet) {
      const std::size_t b = j;
      while (j < n && is_digit(s[j]) && j - b < 4)
        ++j;
      const std::size_t len = j - b;
      if (len == 0 || len > 3 || (len > 1 && s[b] == '0')) {
        ok = false;
        break;
      }
      int v = 0;
      for (std::size_t p = b; p < j; ++p)
        v = v * 10 + (s[p] - '0');
      if (v > 255) ok = false;
      if (ok && octet < 3) {
        if (j < n && s[j] == '.')
          ++j;
        else
          ok = false;
      }
    }
    if (ok && (j == n || !(is_word(s[j]) || (s[j] == '.' && j + 1 < n && is_digit(s[j + 1])))))
      out.push_back({i, j, pii::ip});
    else
      j = i;
    i = std::max(j, i + 1);
    while (i < n && is_digit(s[i]))
      ++i;
  }
}

// Hex groups of 1-4 digits split by ':' (the last may be a dotted IPv4): eight of them, or
// fewer around one "::"; with at least one decimal digit.
bool valid_ipv6(std::string_view t) {
  if (t.size() < 2 || std::none_of(t.begin(), t.end(), is_digit)) return false;
  const std::size_t dc = t.find("::");
  if (dc != std::string_view::npos && t.find("::", dc + 1) != std::string_view::npos) return false;
  // Counts the groups of one side; false if malformed. `last`: the side ending the address.
  const auto groups = [](std::string_view side, bool last, std::size_t& count) {
    count = 0;
    if (side.empty()) return true;
    std::size_t start = 0;
    for (;;) {
      std::size_t colon = side.find(':', start);
      const bool final = colon == std::string_view::npos;
      if (final) colon = side.size();
      const std::string_view g = side.substr(start, colon - start);
      if (g.find('.') != std::string_view::npos) {
        if (!final || !last) return false;
        std::vector<span> v4;
        find_ipv4(g, v4);
        if (v4.size() != 1 || v4[0].begin != 0 || v4[0].end != g.size()) return false;
        count += 2;
        return true;
      }
      if (g.empty() || g.size() > 4 || !std::all_of(g.begin(), g.end(), is_hex)) return false;
      ++count;
      if (final) return true;
      start = colon + 1;
    }
  };
  std::size_t left = 0, right = 0;
  if (dc == std::string_view::npos) return groups(t, true, left) && left == 8;
  return groups(t.substr(0, dc), false, left) && groups(t.substr(dc + 2), true, right) &&
         left + right <= 7;
}

void find_ipv6(std::string_view s, std::vector<span>& out) {
  const auto v6_char = [](char c) { return is_hex(c) || c == ':' || c == '.'; };
  const auto wordish = [](char c) { return is_word(c) || c == ':' || c == '.'; };
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (!v6_char(s[i]) || (i > 0 && wordish(s[i - 1]))) {
      if (!wordish(s[i])) {
        ++i;
        continue;
      }
      while (i < n && wordish(s[i]))
        ++i;
      continue;
    }
    std::size_t j = i;
    while (j < n && v6_char(s[j]))
      ++j;
    std::size_t e = j;
    if (s[e - 1] == '.')
      --e; // a full stop
    else if (e - i >= 2 && s[e - 1] == ':' && s[e - 2] != ':')
      --e; // "2001:db8::1: blocked"
    if ((j == n || !is_word(s[j])) && valid_ipv6(s.substr(i, e - i)))
      out.push_back({i, e, pii::ip});
    i = j;
    while (i < n && wordish(s[i]))
      ++i;
  }
}

// ---- putting it together -----------------------------------------------------------------

struct found {
  span where;
  bool mask = true;
};

// Every piece of personal data, by class in priority order (an e-mail address, then IPs, then
// phones, then cards): phones and cards are read around what the classes before them took (a
// run of digits may hold an address and a phone, a phone and a card), and a piece overlapping
// one already found is dropped. In text order.
std::vector<found> find_all(std::string_view s, const redact_options& o) {
  std::vector<found> all;
  // Every class needs a digit, or the '@' of an address.
  if (std::none_of(s.begin(), s.end(), [](char c) { return is_digit(c) || c == '@'; })) return all;
  std::vector<char> taken(s.size(), 0);
  std::vector<span> v;
  const auto claim = [&](bool mask) {
    for (const span& x : v) {
      bool free = true;
      for (std::size_t p = x.begin; p < x.end && free; ++p)
        free = taken[p] == 0;
      if (!free) continue;
      std::fill(taken.begin() + static_cast<std::ptrdiff_t>(x.begin),
                taken.begin() + static_cast<std::ptrdiff_t>(x.end), 1);
      all.push_back({x, mask});
    }
    v.clear();
  };
  find_emails(s, v);
  claim(o.emails);
  find_ipv6(s, v);
  claim(o.ips);
  find_ipv4(s, v);
  claim(o.ips);
  find_phones(s, taken, v);
  claim(o.phones);
  find_cards(s, taken, v);
  claim(o.cards);
  std::sort(all.begin(), all.end(),
            [](const found& a, const found& b) { return a.where.begin < b.where.begin; });
  return all;
}

} // namespace

std::string redact(std::string_view text, const redact_options& options) {
  const auto all = find_all(text, options);
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const found& f : all) {
    if (!f.mask) continue;
    out.append(text.substr(at, f.where.begin - at));
    out.append(marker(f.where.kind));
    at = f.where.end;
  }
  out.append(text.substr(at));
  return out;
}

bool has_personal_data(std::string_view text, const redact_options& options) {
  const auto all = find_all(text, options);
  return std::any_of(all.begin(), all.end(), [](const found& f) { return f.mask; });
}

redact_options reply_redaction(std::string_view agent) noexcept {
  redact_options o;
  o.ips = agent != "security";
  return o;
}

} // namespace aetherial::actors::kit
