#include "app/settings.hpp"

#include <fstream>
#include <iterator>

namespace aetherial::app {

std::optional<std::pair<std::string, std::string>> parse_setting(std::string_view text,
                                                                 std::string* why) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    if (why) *why = "'" + std::string(text) + "' is not key=value";
    return std::nullopt;
  }
  return std::make_pair(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
}

std::optional<actors::agent_settings> resolve_settings(const settings_flags& flags,
                                                       const char* salt, std::string* why) {
  actors::agent_settings out;
  if (salt && *salt) out["analytics.salt"] = salt;
  for (const auto& text : flags.values) {
    auto kv = parse_setting(text, why);
    if (!kv) return std::nullopt;
    out[kv->first] = kv->second;
  }
  for (const auto& text : flags.files) {
    auto kv = parse_setting(text, why);
    if (!kv) return std::nullopt;
    std::ifstream in(kv->second);
    if (!in) {
      if (why) *why = "cannot read the file of setting " + kv->first + " (" + kv->second + ")";
      return std::nullopt;
    }
    std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r'))
      value.pop_back();
    out[kv->first] = value; // never logged
  }
  return out;
}

} // namespace aetherial::app
