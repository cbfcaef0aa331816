#pragma once
// One reader of deployment settings for every agent kind.
//
// An agent kind's settings are the keys "<kind>.<name>" of `agent_settings`. Its config code
// asks for each name once, through a typed getter that returns the value, or the fallback when
// the key is absent or its value is bad. Values are parsed independent of the C locale
// (std::from_chars). The reader remembers every name asked for and every bad value, so the
// same code that builds a config also tells what is wrong with the settings: `errors()` names
// each bad value with what was expected, and each key of the kind that no getter asked for,
// with the keys that are known.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::kit {

/// Comma-separated items, each trimmed of spaces, empty items dropped: "a, b c,, d " ->
/// {"a", "b c", "d"}.
[[nodiscard]] std::vector<std::string> split_list(std::string_view s);

/// As the `min` of `settings_reader::get_double`: every number above zero is accepted.
inline constexpr double above_zero = std::numeric_limits<double>::denorm_min();

/// Reads the settings of one agent kind; see the file comment.
class settings_reader {
public:
  /// Reads the keys "<kind>.<name>" of `settings`, which must outlive the reader.
  settings_reader(const agent_settings& settings, std::string_view kind);
  settings_reader(agent_settings&& settings, std::string_view kind) = delete;

  /// The kind's prefix, "<kind>.".
  [[nodiscard]] const std::string& prefix() const noexcept { return prefix_; }

  /// A decimal integer in [min, max].
  [[nodiscard]] int get_int(std::string_view name, int fallback,
                            int min = std::numeric_limits<int>::min(),
                            int max = std::numeric_limits<int>::max());

  /// A decimal integer in [min, max].
  [[nodiscard]] std::int64_t get_int64(std::string_view name, std::int64_t fallback,
                                       std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                       std::int64_t max = std::numeric_limits<std::int64_t>::max());

  /// A decimal integer of type `T` in [min, max] (for unsigned and size fields); a value that
  /// does not fit `T` is bad.
  template <class T>
  [[nodiscard]] T get_integer(std::string_view name, T fallback,
                              T min = std::numeric_limits<T>::min(),
                              T max = std::numeric_limits<T>::max()) {
    static_assert(std::numeric_limits<T>::is_integer && !std::is_same_v<T, bool>);
    if constexpr (std::is_signed_v<T>)
      return static_cast<T>(read_signed(name, fallback, min, max, std::numeric_limits<T>::min(),
                                        std::numeric_limits<T>::max()));
    else
      return static_cast<T>(read_unsigned(name, fallback, min, max, std::numeric_limits<T>::max()));
  }

  /// A finite number in [min, max] ("0.25", "-3", "1e3"); `above_zero` as `min` accepts every
  /// positive number.
  [[nodiscard]] double get_double(std::string_view name, double fallback,
                                  double min = std::numeric_limits<double>::lowest(),
                                  double max = std::numeric_limits<double>::max());

  /// "true", "yes", "on", "1" or "false", "no", "off", "0", in any case.
  [[nodiscard]] bool get_bool(std::string_view name, bool fallback);

  /// Any text (empty included); never bad.
  [[nodiscard]] std::string get_string(std::string_view name, std::string fallback);

  /// One of `choices`, as its index; `fallback` is an index into `choices`.
  [[nodiscard]] std::size_t get_choice(std::string_view name, std::size_t fallback,
                                       std::initializer_list<std::string_view> choices);

  /// Comma-separated items as `split_list` splits them; absent -> `fallback`, empty -> none.
  [[nodiscard]] std::vector<std::string> get_list(std::string_view name,
                                                  std::vector<std::string> fallback);

  /// Reads `name` into `field`, whose value is the fallback: with get_double, get_bool,
  /// get_string or get_integer, as the field's type says, over the type's whole range.
  template <class T> void read(std::string_view name, T& field) {
    if constexpr (std::is_same_v<T, double>)
      field = get_double(name, field);
    else if constexpr (std::is_same_v<T, bool>)
      field = get_bool(name, field);
    else if constexpr (std::is_same_v<T, std::string>)
      field = get_string(name, std::move(field));
    else
      field = get_integer<T>(name, field);
  }

  /// Appends to `to` the comma-separated items of `name` (absent or empty: none), each as
  /// `item(text)` makes it from the text between two commas; an item made empty is dropped.
  template <class Item>
  void append_list(std::string_view name, std::vector<std::string>& to, Item item) {
    const std::string list = get_string(name, "");
    std::string_view rest(list);
    for (bool more = !rest.empty(); more;) {
      const auto comma = rest.find(',');
      more = comma != std::string_view::npos;
      std::string made = item(rest.substr(0, comma));
      if (!made.empty()) to.push_back(std::move(made));
      if (more) rest.remove_prefix(comma + 1);
    }
  }

  /// Every key "<kind>.<family>.<member>" with a non-empty member, as member -> value, in
  /// member order ("orchestrator.permissions.<role>"). Never bad.
  [[nodiscard]] std::map<std::string, std::string> get_family(std::string_view family);

  /// Records that the value of `name` is bad: it is not `expected` ("a number in [0, 1]").
  /// For checks a getter cannot make (one setting against another).
  void reject(std::string_view name, std::string_view expected);
  /// Like reject, for a secret: the message never shows the value.
  void reject_secret(std::string_view name, std::string_view expected);

  /// Every problem found so far: each bad value (key, value and what was expected) and each
  /// key of the kind that no getter asked for (with the known keys), in key order. Empty when
  /// the settings are fine.
  [[nodiscard]] std::vector<std::string> errors() const;

private:
  const std::string* find(std::string_view name);
  void bad(const std::string& key, const std::string& value, std::string_view expected);
  std::int64_t read_signed(std::string_view name, std::int64_t fallback, std::int64_t min,
                           std::int64_t max, std::int64_t type_min, std::int64_t type_max);
  std::uint64_t read_unsigned(std::string_view name, std::uint64_t fallback, std::uint64_t min,
                              std::uint64_t max, std::uint64_t type_max);

  const agent_settings& settings_;
  std::string prefix_;
  std::set<std::string> known_;            ///< full keys asked for
  std::set<std::string> families_;         ///< full family prefixes asked for ("<kind>.<family>.")
  std::map<std::string, std::string> bad_; ///< full key -> message
};

/// The config of a kind from `settings`: its defaults, then `read(reader, config)` applies the
/// settings, bad values keeping their defaults. What the kind's `config_from` returns.
template <class Config, class Read>
[[nodiscard]] Config read_settings(const agent_settings& settings, std::string_view kind,
                                   Read&& read) {
  settings_reader r(settings, kind);
  Config config;
  read(r, config);
  return config;
}

/// The settings problems of a kind whose config is read by `read(reader, config)`: what
/// `agent_kind::check_settings` returns.
template <class Config, class Read>
[[nodiscard]] std::vector<std::string> check_with(const agent_settings& settings,
                                                  std::string_view kind, Read&& read) {
  settings_reader r(settings, kind);
  Config config;
  read(r, config);
  return r.errors();
}

} // namespace aetherial::actors::kit

/// Defines the two settings entry points of an agent kind, in the kind's namespace, from the
/// kind's `kind_name` and the one function that applies the settings to a config with its
/// defaults, `void read(kit::settings_reader&, Config&)`:
/// - `Config from_name(const agent_settings&)`: the defaults with the settings applied, a bad
///   value keeping its default (`kit::read_settings`);
/// - `std::vector<std::string> check_settings(const agent_settings&)`: one message per bad
///   value and per unknown key (`kit::check_with`), what `agent_kind::check_settings` is.
#define AETHERIAL_SETTINGS_ENTRY_POINTS(Config, from_name, read)                                   \
  Config from_name(const agent_settings& settings) {                                               \
    return ::aetherial::actors::kit::read_settings<Config>(settings, kind_name, read);             \
  }                                                                                                \
  std::vector<std::string> check_settings(const agent_settings& settings) {                        \
    return ::aetherial::actors::kit::check_with<Config>(settings, kind_name, read);                \
  }
