#include "actors/security/config.hpp"

#include "actors/kit/settings.hpp"

namespace aetherial::actors::security {

namespace {

void read_config(kit::settings_reader& r, security_config& c) {
  // The partition count only scales the absolute DDoS floors; one partition is the
  // conservative reading.
  c.partitions = r.get_integer<std::uint32_t>("partitions", c.partitions, 1);
  c.ban_approver_roles = r.get_list("ban_approver_roles", c.ban_approver_roles);
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(security_config, config_from, read_config)

} // namespace aetherial::actors::security
