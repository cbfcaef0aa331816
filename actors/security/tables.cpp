#include "actors/security/tables.hpp"

#include <algorithm>

namespace aetherial::actors::security {

std::optional<std::int64_t> forget_at(const subject_record& r,
                                      const security_config& cfg) noexcept {
  if (r.ban == ban_status::banned) return std::nullopt;
  std::int64_t at = r.last_seen_ms + cfg.idle_forget_ms + 1;
  if (!r.offenses.empty()) at = std::max(at, r.offenses.back() + cfg.offense_window_ms);
  if (r.blocked_until_ms != 0) at = std::max(at, r.blocked_until_ms + 1);
  if (r.ban == ban_status::proposed) at = std::max(at, r.ban_deadline_ms + 1);
  return at;
}

bool forgotten(const subject_record& r, const security_config& cfg, std::int64_t now) noexcept {
  const bool quiet = r.ban == ban_status::none && r.blocked_until_ms == 0 &&
                     (r.offenses.empty() || r.offenses.back() <= now - cfg.offense_window_ms);
  return quiet && r.last_seen_ms < now - cfg.idle_forget_ms;
}

} // namespace aetherial::actors::security
