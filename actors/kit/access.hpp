#pragma once
// Approvals of risky actions: who may approve is configuration (roles); who did is what the
// runtime verified (actors::identity). Every refusal is an AccessAudit decision.

#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"

namespace aetherial::actors::kit {

/// Whether `who` may approve `action`, and why not.
struct approval {
  bool allowed = false;
  std::string principal; ///< the verified (or, in development mode, claimed) principal
  std::string role;      ///< the approving role it holds ("" when refused)
  std::string reason;    ///< why refused
};

/// `who` may approve when its identity is usable and one of its roles is in
/// `approver_roles`. In development mode (unsigned events allowed), an event without roles is
/// taken at its word, as every other unsigned event is; `claimed` names it then.
[[nodiscard]] approval check_approval(const identity& who, std::string_view claimed,
                                      const std::vector<std::string>& approver_roles);

/// Emits an AccessAudit decision keyed by `key`.
void emit_access_audit(context& ctx, std::string_view key, std::string_view principal,
                       std::string_view role, std::string_view action, bool allowed,
                       std::string_view reason, std::string_view correlation = {});

} // namespace aetherial::actors::kit
