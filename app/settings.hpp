#pragma once
// Agent settings from the command line, files and the environment.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::app {

/// `key=value` split at the first '='; nullopt with `why` when there is no '=' or no key.
[[nodiscard]] std::optional<std::pair<std::string, std::string>>
parse_setting(std::string_view text, std::string* why);

/// The settings flags as given: `key=value` pairs, and `key=path` pairs whose file holds
/// the value (secrets).
struct settings_flags {
  std::vector<std::string> values;
  std::vector<std::string> files;
};

/// The settings: `salt` (AETHERIAL_ANALYTICS_SALT, may be null) as analytics.salt, then the
/// values, then the files' contents (trailing newlines dropped). nullopt with `why` for a
/// malformed pair or an unreadable file.
[[nodiscard]] std::optional<actors::agent_settings>
resolve_settings(const settings_flags& flags, const char* salt, std::string* why);

} // namespace aetherial::app
