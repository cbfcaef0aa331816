#pragma once
// Who an event comes from, as the runtime verified it: the principal and roles of a signed
// identity token (a JWT on commands, approvals and tasks), checked against the deployment's
// keys at the event's time, so that replay verifies the same way. Agents never see a token,
// only this.

#include <string>
#include <vector>

namespace aetherial::actors {

/// Whether the identity of an event was proven.
enum class identity_status {
  /// The event type carries no identity (metrics, activity...).
  none,
  /// A valid token: `principal` and `roles` are its subject and roles.
  verified,
  /// No token, and the deployment accepts unsigned events (development mode): `principal` and
  /// `roles` are what the event claims, unproven.
  unsigned_allowed,
  /// A token (or its absence) that proves nothing: `reason` says why. Act as for nobody.
  refused,
};

/// The identity an agent may rely on for the event it handles.
struct identity {
  identity_status status = identity_status::none;
  std::string principal;          ///< "user:alice"
  std::vector<std::string> roles; ///< sorted, unique, lower case
  std::string reason;             ///< why refused ("the token has expired", ...)
  std::string token_id;           ///< the token's "jti", when it has one

  /// True when `principal` and `roles` may be acted on (verified, or unsigned in
  /// development mode).
  [[nodiscard]] bool usable() const noexcept {
    return status == identity_status::verified || status == identity_status::unsigned_allowed;
  }
  /// True when `role` is one of `roles`.
  [[nodiscard]] bool has_role(const std::string& role) const {
    for (const auto& r : roles)
      if (r == role) return true;
    return false;
  }
};

} // namespace aetherial::actors
