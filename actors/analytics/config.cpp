#include "actors/analytics/config.hpp"

#include "actors/kit/settings.hpp"

namespace aetherial::actors::analytics {

namespace {

void read_config(kit::settings_reader& r, analytics_config& c) {
  // Never in a message. Without a salt the agent refuses to record and says so in its
  // replies; a salt that is given but too short is a mistake that stops start-up.
  c.salt = r.get_string("salt", c.salt);
  if (!c.salt.empty() && c.salt.size() < c.min_salt_bytes)
    r.reject_secret("salt", "at least " + std::to_string(c.min_salt_bytes) + " bytes");
  c.gather_timeout_ms = r.get_int64("gather_timeout_ms", c.gather_timeout_ms, 0, 3'600'000);
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(analytics_config, config_from, read_config)

} // namespace aetherial::actors::analytics
