#include "actors/analytics/config.hpp"

#include "actors/kit/settings.hpp"

namespace aetherial::actors::analytics {

namespace {

void read_config(kit::settings_reader& r, analytics_config& c) {
  // Never in a message: a string setting is never bad. A short salt is not a settings error
  // either: the agent then refuses to record, and says so in its replies.
  c.salt = r.get_string("salt", c.salt);
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(analytics_config, config_from, read_config)

} // namespace aetherial::actors::analytics
