#include "actors/development/config.hpp"

#include <algorithm>
#include <cstdint>

#include "actors/kit/settings.hpp"

namespace aetherial::actors::development {

namespace {

void read_config(kit::settings_reader& r, development_config& c) {
  // At most about 1900 years: the watch length in ms must fit 64 bits.
  const double watch_minutes = r.get_double("watch_minutes", 0.0, kit::above_zero, 1e9);
  if (watch_minutes > 0) c.deploy.watch_ms = static_cast<std::int64_t>(watch_minutes * 60'000.0);
  c.deploy.approval_environments =
      r.get_list("approval_environments", c.deploy.approval_environments);
  c.deploy.deployer_roles = r.get_list("deployer_roles", c.deploy.deployer_roles);
  const std::string reviewer = r.get_string("fallback_reviewer", c.review.fallback_reviewer);
  if (reviewer.empty())
    r.reject("fallback_reviewer", "a reviewer name");
  else
    c.review.fallback_reviewer = reviewer;
  c.deploy.severe_ratio = r.get_double("severe_ratio", c.deploy.severe_ratio, kit::above_zero);
  c.deploy.elevated_ratio =
      r.get_double("elevated_ratio", c.deploy.elevated_ratio, kit::above_zero);
  r.read("test_idle_ms", c.testing.test_idle_ms);
  r.read("cluster_idle_ms", c.testing.cluster_idle_ms);
  r.read("owner_idle_ms", c.review.owner_idle_ms);
  r.read("change_ttl_ms", c.review.change_ttl_ms);
  for (auto* ms : {&c.testing.test_idle_ms, &c.testing.cluster_idle_ms, &c.review.owner_idle_ms,
                   &c.review.change_ttl_ms})
    *ms = std::max<std::int64_t>(*ms, 0);
}

} // namespace

AETHERIAL_SETTINGS_ENTRY_POINTS(development_config, config_from, read_config)

} // namespace aetherial::actors::development
