#pragma once
// Verification of signed identity tokens: JWTs (compact form) signed with EdDSA (Ed25519) or
// RS256, checked with OpenSSL against the deployment's key set, their issuer, audience and
// validity checked against the event's time (never the wall clock), so that an audit verifies
// every token exactly as the live run did. The agents see only the result
// (actors::identity).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/identity.hpp"
#include "runtime/errc.hpp"
#include "schemas/envelope.hpp"

namespace aetherial::runtime {

/// What a token must satisfy, besides a valid signature.
struct token_policy {
  std::string issuer;   ///< required "iss" ("" = any)
  std::string audience; ///< required in "aud" ("" = any)
  /// Clock skew allowed between the token's issuer and the event's time.
  std::int64_t leeway_ms = 60'000;
  /// Longest accepted lifetime (exp - iat, or exp - event time without iat).
  std::int64_t max_lifetime_ms = 24 * 3'600'000;
  /// Development mode: an event without a token is acted on as the principal and role it
  /// claims (logged loudly at start). A token that is present is still verified.
  bool allow_unsigned = false;
};

/// The public keys tokens may be signed with, by key id ("kid"); loaded from a JWKS file
/// (Ed25519 "OKP" and "RSA" keys) or PEM public keys.
class key_set {
public:
  key_set();
  ~key_set();
  key_set(key_set&&) noexcept;
  key_set& operator=(key_set&&) noexcept;

  /// Reads `path`: a JWKS document ({"keys":[...]}) or one or more PEM public keys (their
  /// key id is the file name without directory and extension, then "#1", "#2"...).
  [[nodiscard]] static result<key_set> load(const std::string& path);
  /// Parses a JWKS document.
  [[nodiscard]] static result<key_set> from_jwks(std::string_view json);

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }

  struct impl;
  [[nodiscard]] const impl& get() const noexcept { return *impl_; }

private:
  std::unique_ptr<impl> impl_;
};

/// Verifies tokens; immutable and shared by every agent host of a node and by the audit.
class identity_verifier {
public:
  identity_verifier(key_set keys, token_policy policy);

  /// The identity `token` proves at `event_time_ms`, for an event that claims `principal` and
  /// `role`. Deterministic: the same inputs give the same result on every machine.
  [[nodiscard]] actors::identity verify(std::string_view token, std::string_view principal,
                                        std::string_view role, std::int64_t event_time_ms) const;

  /// The identity of an envelope: `none` for payloads that carry no identity (only
  /// Command, Feedback, BanApproval and Task do).
  [[nodiscard]] actors::identity of(const schemas::fbs::Envelope& event) const;

  [[nodiscard]] const token_policy& policy() const noexcept { return policy_; }
  [[nodiscard]] std::size_t keys() const noexcept { return keys_.size(); }

private:
  key_set keys_;
  token_policy policy_;
};

/// The verifier of `keys_file` ("" = no keys) and `policy`; an unreadable or invalid key file
/// is an error that says what to fix.
[[nodiscard]] result<std::shared_ptr<const identity_verifier>>
make_identity_verifier(const std::string& keys_file, const token_policy& policy);

/// One line for the start-up posture ("tokens verified: 2 keys, issuer ...").
[[nodiscard]] std::string describe_tokens(const identity_verifier& v);

/// Signs tokens, for development and tests (`aetherial token`): never needed by the runtime.
struct token_claims {
  std::string subject;            ///< "sub"
  std::vector<std::string> roles; ///< "roles"
  std::string issuer, audience;   ///< "iss", "aud" (omitted when empty)
  std::int64_t issued_at_s = 0;   ///< "iat"
  std::int64_t expires_at_s = 0;  ///< "exp"
  std::string token_id;           ///< "jti" (omitted when empty)
};

/// A compact JWT of `claims` signed with the PEM private key in `private_key_pem` (Ed25519:
/// alg EdDSA; RSA: alg RS256), with "kid" `key_id` when not empty.
[[nodiscard]] result<std::string> sign_token(const token_claims& claims,
                                             const std::string& private_key_pem,
                                             const std::string& key_id);

/// A new Ed25519 key pair: the private key as PEM, and a JWKS document with its public key
/// under `key_id`.
[[nodiscard]] result<std::pair<std::string, std::string>>
generate_ed25519_key(const std::string& key_id);

/// The subject of a compact JWT, read without verifying it (so that a client can name itself
/// as the token does); "" when it cannot be read.
[[nodiscard]] std::string unverified_subject(std::string_view token);

} // namespace aetherial::runtime
