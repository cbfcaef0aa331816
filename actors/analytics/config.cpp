#include "actors/analytics/config.hpp"

#include "actors/analytics/analytics_agent.hpp"
#include "actors/kit/settings.hpp"

namespace aetherial::actors::analytics {

namespace {

analytics_config read_config(kit::settings_reader& r) {
  analytics_config c;
  // Never in a message: a string setting is never bad. A short salt is not a settings error
  // either: the agent then refuses to record, and says so in its replies.
  c.salt = r.get_string("salt", c.salt);
  return c;
}

} // namespace

analytics_config config_from(const agent_settings& settings) {
  kit::settings_reader r(settings, kind_name);
  return read_config(r);
}

std::vector<std::string> check_settings(const agent_settings& settings) {
  return kit::check_with(settings, kind_name, read_config);
}

} // namespace aetherial::actors::analytics
