#include "actors/kit/access.hpp"

namespace aetherial::actors::kit {

approval check_approval(const identity& who, std::string_view claimed,
                        const std::vector<std::string>& approver_roles) {
  approval a;
  a.principal = who.usable() ? who.principal : std::string(claimed);
  if (a.principal.empty()) a.principal = std::string(claimed);
  switch (who.status) {
    case identity_status::refused: a.reason = "identity not proven: " + who.reason; return a;
    case identity_status::none:
    case identity_status::unsigned_allowed:
      // Unverified (development mode, or a caller that verifies nothing): taken at its word
      // when it names no role, as any unsigned event is.
      if (who.roles.empty()) {
        a.allowed = true;
        return a;
      }
      break;
    case identity_status::verified: break;
  }
  for (const auto& r : who.roles)
    for (const auto& allowed : approver_roles)
      if (r == allowed) {
        a.allowed = true;
        a.role = r;
        return a;
      }
  std::string list;
  for (const auto& r : approver_roles)
    list += (list.empty() ? "" : ", ") + r;
  a.reason =
      a.principal + " holds no approving role (" + (list.empty() ? "none configured" : list) + ")";
  return a;
}

void emit_access_audit(context& ctx, std::string_view key, std::string_view principal,
                       std::string_view role, std::string_view action, bool allowed,
                       std::string_view reason, std::string_view correlation) {
  auto& b = ctx.builder();
  // One statement each: the order the strings are written in is the bytes' order, and an
  // argument list would leave it to the compiler.
  const auto who = b.CreateString(principal);
  const auto as = b.CreateString(role);
  const auto what = b.CreateString(action);
  const auto why = b.CreateString(reason);
  const auto p = fbs::CreateAccessAudit(b, who, as, what, allowed, why);
  ctx.emit(output::decisions, key, fbs::Payload::AccessAudit, p.Union(), correlation);
}

} // namespace aetherial::actors::kit
