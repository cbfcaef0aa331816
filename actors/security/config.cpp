#include "actors/security/config.hpp"

#include "actors/kit/settings.hpp"
#include "actors/security/security_agent.hpp"

namespace aetherial::actors::security {

namespace {

security_config read_config(kit::settings_reader& r) {
  security_config c;
  // The partition count only scales the absolute DDoS floors; one partition is the
  // conservative reading.
  c.partitions = r.get_integer<std::uint32_t>("partitions", c.partitions, 1);
  return c;
}

} // namespace

security_config config_from(const agent_settings& settings) {
  kit::settings_reader r(settings, kind_name);
  return read_config(r);
}

std::vector<std::string> check_settings(const agent_settings& settings) {
  return kit::check_with(settings, kind_name, read_config);
}

} // namespace aetherial::actors::security
