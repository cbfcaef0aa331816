#include "runtime/identity.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

namespace aetherial::runtime {

namespace {

using json = nlohmann::json;

struct pkey_free {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

// --- base64url (RFC 4648 §5, no padding) ---------------------------------------------------

constexpr std::string_view b64url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(const std::uint8_t* data, std::size_t n) {
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (std::size_t i = 0; i < n; i += 3) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) |
                            (i + 1 < n ? std::uint32_t{data[i + 1]} << 8 : 0) |
                            (i + 2 < n ? std::uint32_t{data[i + 2]} : 0);
    out.push_back(b64url[(v >> 18) & 63]);
    out.push_back(b64url[(v >> 12) & 63]);
    if (i + 1 < n) out.push_back(b64url[(v >> 6) & 63]);
    if (i + 2 < n) out.push_back(b64url[v & 63]);
  }
  return out;
}

std::string base64url_encode(std::string_view s) {
  return base64url_encode(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

/// Strict decoding: only the URL-safe alphabet, no padding, no stray bits.
std::optional<std::string> base64url_decode(std::string_view s) {
  if (s.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(s.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const auto at = b64url.find(c);
    if (at == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

// --- keys ----------------------------------------------------------------------------------

pkey_ptr ed25519_from_raw(const std::string& raw) {
  if (raw.size() != 32) return nullptr;
  return pkey_ptr(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));
}

pkey_ptr rsa_from_components(const std::string& n, const std::string& e) {
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  EVP_PKEY_CTX* ctx = nullptr;
  EVP_PKEY* key = nullptr;
  if (bn_n != nullptr && bn_e != nullptr && bld != nullptr &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 &&
      (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr &&
      (ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)) != nullptr &&
      EVP_PKEY_fromdata_init(ctx) == 1)
    (void)EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return pkey_ptr(key);
}

/// "EdDSA" or "RS256": the only algorithms accepted, each bound to its key type.
std::string algorithm_of(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519: return "EdDSA";
    case EVP_PKEY_RSA: return EVP_PKEY_get_bits(key) >= 2048 ? "RS256" : "";
    default: return "";
  }
}

std::string read_file(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool verify_signature(EVP_PKEY* key, const std::string& alg, std::string_view signed_part,
                      const std::string& signature) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  if (md == nullptr) return false;
  const EVP_MD* digest = alg == "RS256" ? EVP_sha256() : nullptr;
  bool ok =
      EVP_DigestVerifyInit(md, nullptr, digest, nullptr, key) == 1 &&
      EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

actors::identity refused(std::string reason) {
  actors::identity id;
  id.status = actors::identity_status::refused;
  id.reason = std::move(reason);
  return id;
}

/// An integer claim (seconds), or nullopt when absent; `bad` set when present but not an
/// integer.
std::optional<std::int64_t> seconds_claim(const json& claims, const char* name, bool* bad) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) {
    const double d = it->get<double>();
    if (d > -1e15 && d < 1e15) return static_cast<std::int64_t>(d);
  }
  *bad = true;
  return std::nullopt;
}

constexpr std::size_t max_token_bytes = 8192;

} // namespace

// --- key_set -------------------------------------------------------------------------------

struct key_set::impl {
  std::map<std::string, pkey_ptr> keys; ///< kid -> key
};

key_set::key_set() : impl_(std::make_unique<impl>()) {}
key_set::~key_set() = default;
key_set::key_set(key_set&&) noexcept = default;
key_set& key_set::operator=(key_set&&) noexcept = default;
std::size_t key_set::size() const noexcept {
  return impl_->keys.size();
}

result<key_set> key_set::from_jwks(std::string_view text) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
    return make_error(errc::configuration, "not a JWKS document (an object with a \"keys\" array)");
  key_set out;
  std::size_t index = 0;
  for (const auto& k : doc["keys"]) {
    ++index;
    const auto where = "key " + std::to_string(index);
    if (!k.is_object()) return make_error(errc::configuration, where + " is not an object");
    const auto str = [&](const char* name) {
      const auto it = k.find(name);
      return it != k.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (str("use") != "" && str("use") != "sig") continue; // encryption keys are not ours
    std::string kid = str("kid");
    if (kid.empty()) kid = "#" + std::to_string(index);
    pkey_ptr key;
    const auto kty = str("kty");
    if (kty == "OKP" && str("crv") == "Ed25519") {
      const auto x = base64url_decode(str("x"));
      if (x) key = ed25519_from_raw(*x);
    } else if (kty == "RSA") {
      const auto n = base64url_decode(str("n"));
      const auto e = base64url_decode(str("e"));
      if (n && e) key = rsa_from_components(*n, *e);
    } else {
      return make_error(errc::configuration,
                        where + " (kid " + kid + "): key type '" + kty + "' " +
                            (kty == "OKP" ? "curve '" + str("crv") + "' " : "") +
                            "is not supported (Ed25519 \"OKP\" or \"RSA\")");
    }
    if (!key || algorithm_of(key.get()).empty())
      return make_error(errc::configuration, where + " (kid " + kid +
                                                 "): unreadable key material (RSA keys need "
                                                 "at least 2048 bits)");
    if (out.impl_->keys.count(kid) != 0)
      return make_error(errc::configuration, "two keys share the kid " + kid);
    out.impl_->keys.emplace(kid, std::move(key));
  }
  if (out.empty()) return make_error(errc::configuration, "the JWKS document has no signing key");
  return out;
}

result<key_set> key_set::load(const std::string& path) {
  bool ok = false;
  const auto text = read_file(path, &ok);
  if (!ok) return make_error(errc::configuration, "cannot read the token key file " + path);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    auto ks = from_jwks(text);
    if (!ks) return make_error(errc::configuration, path + ": " + ks.error_value().message);
    return ks;
  }
  // PEM public keys, one after another.
  std::string base = path.substr(path.find_last_of('/') + 1);
  base = base.substr(0, base.find('.'));
  key_set out;
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  for (int i = 1;; ++i) {
    EVP_PKEY* k = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    if (k == nullptr) break;
    pkey_ptr key(k);
    if (algorithm_of(key.get()).empty()) {
      BIO_free(bio);
      return make_error(errc::configuration, path + ": key " + std::to_string(i) +
                                                 " is neither Ed25519 nor RSA of 2048+ bits");
    }
    out.impl_->keys.emplace(i == 1 ? base : base + "#" + std::to_string(i), std::move(key));
  }
  BIO_free(bio);
  if (out.empty())
    return make_error(errc::configuration,
                      path + ": no public key (a JWKS document or PEM \"PUBLIC KEY\" blocks)");
  return out;
}

// --- identity_verifier ---------------------------------------------------------------------

identity_verifier::identity_verifier(key_set keys, token_policy policy)
    : keys_(std::move(keys)), policy_(std::move(policy)) {}

actors::identity identity_verifier::verify(std::string_view token, std::string_view principal,
                                           std::string_view role,
                                           std::int64_t event_time_ms) const {
  if (token.empty()) {
    if (!policy_.allow_unsigned) return refused("no identity token");
    actors::identity id;
    id.status = actors::identity_status::unsigned_allowed;
    id.principal = std::string(principal);
    if (!role.empty()) id.roles.push_back(lower(std::string(role)));
    return id;
  }
  if (keys_.empty()) return refused("no token keys are configured (--token-keys)");
  if (token.size() > max_token_bytes) return refused("the token is larger than 8 KiB");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return refused("the token is not a compact JWT (header.payload.signature)");
  const auto header_text = base64url_decode(token.substr(0, dot1));
  const auto payload_text = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  const auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!header_text || !payload_text || !signature)
    return refused("the token is not valid base64url");
  const json header = json::parse(*header_text, nullptr, false);
  if (header.is_discarded() || !header.is_object())
    return refused("the token's header is not a JSON object");
  const auto alg_it = header.find("alg");
  const std::string alg =
      alg_it != header.end() && alg_it->is_string() ? alg_it->get<std::string>() : "";
  if (alg != "EdDSA" && alg != "RS256")
    return refused("the token's algorithm '" + alg.substr(0, 32) +
                   "' is not accepted (EdDSA or RS256)");
  if (header.contains("crit")) return refused("the token has critical header extensions");

  // The key: by kid, or the only key of the algorithm's type.
  const auto& keys = keys_.get().keys;
  EVP_PKEY* key = nullptr;
  const auto kid_it = header.find("kid");
  if (kid_it != header.end()) {
    if (!kid_it->is_string()) return refused("the token's key id is not a string");
    const auto k = keys.find(kid_it->get<std::string>());
    if (k == keys.end())
      return refused("the token is signed with an unknown key ('" +
                     kid_it->get<std::string>().substr(0, 64) + "')");
    key = k->second.get();
  } else {
    for (const auto& [kid, k] : keys)
      if (algorithm_of(k.get()) == alg) {
        if (key != nullptr) return refused("the token names no key id and several keys match");
        key = k.get();
      }
    if (key == nullptr) return refused("the token is signed with an unknown key");
  }
  if (algorithm_of(key) != alg)
    return refused("the token's algorithm " + alg + " does not match its key");
  if (!verify_signature(key, alg, token.substr(0, dot2), *signature))
    return refused("the token's signature is not valid");

  // Claims, against the event's time.
  const json claims = json::parse(*payload_text, nullptr, false);
  if (claims.is_discarded() || !claims.is_object())
    return refused("the token's claims are not a JSON object");
  bool bad = false;
  const auto exp = seconds_claim(claims, "exp", &bad);
  const auto nbf = seconds_claim(claims, "nbf", &bad);
  const auto iat = seconds_claim(claims, "iat", &bad);
  if (bad) return refused("the token's exp, nbf or iat is not a number");
  if (!exp) return refused("the token has no expiry (exp)");
  const std::int64_t leeway = policy_.leeway_ms;
  if (event_time_ms >= *exp * 1000 + leeway) return refused("the token has expired");
  if (nbf && event_time_ms + leeway < *nbf * 1000) return refused("the token is not valid yet");
  if (iat && event_time_ms + leeway < *iat * 1000)
    return refused("the token was issued after the event");
  const std::int64_t from = iat ? *iat * 1000 : event_time_ms;
  if (*exp * 1000 - from > policy_.max_lifetime_ms)
    return refused("the token's lifetime is longer than the deployment allows");
  const auto str = [&](const char* name) -> std::optional<std::string> {
    const auto it = claims.find(name);
    if (it == claims.end()) return std::string();
    if (!it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  const auto iss = str("iss");
  if (!iss) return refused("the token's issuer is not a string");
  if (!policy_.issuer.empty() && *iss != policy_.issuer)
    return refused("the token's issuer is not the trusted one");
  if (!policy_.audience.empty()) {
    const auto it = claims.find("aud");
    bool ours = false;
    if (it != claims.end() && it->is_string()) ours = it->get<std::string>() == policy_.audience;
    if (it != claims.end() && it->is_array())
      for (const auto& a : *it)
        ours = ours || (a.is_string() && a.get<std::string>() == policy_.audience);
    if (!ours) return refused("the token is not meant for this deployment (audience)");
  }
  const auto sub = str("sub");
  if (!sub || sub->empty() || sub->size() > 256) return refused("the token names no subject (sub)");
  if (!principal.empty() && principal != *sub)
    return refused("the token belongs to another principal than the event's");

  actors::identity id;
  id.status = actors::identity_status::verified;
  id.principal = *sub;
  const auto roles_it = claims.find("roles");
  if (roles_it != claims.end()) {
    if (!roles_it->is_array()) return refused("the token's roles are not a list");
    for (const auto& r : *roles_it) {
      if (!r.is_string() || r.get<std::string>().empty() || r.get<std::string>().size() > 64)
        return refused("the token's roles are not short strings");
      id.roles.push_back(lower(r.get<std::string>()));
    }
  }
  std::sort(id.roles.begin(), id.roles.end());
  id.roles.erase(std::unique(id.roles.begin(), id.roles.end()), id.roles.end());
  if (const auto jti = str("jti"); jti && jti->size() <= 256) id.token_id = *jti;
  if (role.empty()) return id;
  // The role the event acts in must be one of the token's.
  const auto acting = lower(std::string(role));
  if (!id.has_role(acting))
    return refused("the token does not grant the role '" + acting.substr(0, 64) + "'");
  id.roles = {acting};
  return id;
}

actors::identity identity_verifier::of(const schemas::fbs::Envelope& e) const {
  namespace fbs = schemas::fbs;
  const auto sv = [](const flatbuffers::String* s) {
    return s != nullptr ? std::string_view(s->c_str(), s->size()) : std::string_view();
  };
  const auto principal = sv(e.principal());
  const auto t = e.event_time_ms();
  switch (e.payload_type()) {
    case fbs::Payload::Command: {
      const auto* c = e.payload_as_Command();
      return verify(sv(c->token()), principal, sv(c->role()), t);
    }
    case fbs::Payload::Feedback: {
      const auto* f = e.payload_as_Feedback();
      return verify(sv(f->token()), principal, {}, t);
    }
    case fbs::Payload::BanApproval: {
      const auto* b = e.payload_as_BanApproval();
      return verify(sv(b->token()), principal.empty() ? sv(b->approver()) : principal, {}, t);
    }
    case fbs::Payload::Task: {
      // A task names its requester; the envelope's principal is the orchestrator's.
      const auto* task = e.payload_as_Task();
      return verify(sv(task->token()), sv(task->requested_by()), sv(task->role()), t);
    }
    default: return {};
  }
}

result<std::shared_ptr<const identity_verifier>>
make_identity_verifier(const std::string& keys_file, const token_policy& policy) {
  key_set keys;
  if (!keys_file.empty()) {
    auto loaded = key_set::load(keys_file);
    if (!loaded)
      return make_error(errc::configuration,
                        loaded.error_value().message + " (check --token-keys)");
    keys = std::move(loaded.value());
  }
  return std::shared_ptr<const identity_verifier>(
      std::make_shared<identity_verifier>(std::move(keys), policy));
}

std::string describe_tokens(const identity_verifier& v) {
  const auto& p = v.policy();
  std::string out;
  if (v.keys() > 0) {
    out = "tokens verified (" + std::to_string(v.keys()) + (v.keys() == 1 ? " key" : " keys") +
          (p.issuer.empty() ? "" : ", issuer " + p.issuer) +
          (p.audience.empty() ? "" : ", audience " + p.audience) + ")";
  } else {
    out = "no token keys";
  }
  if (p.allow_unsigned)
    out += "; UNSIGNED COMMANDS ALLOWED (development mode: principals and roles are taken at "
           "their word)";
  else if (v.keys() == 0)
    out += ": every command and approval is refused (--token-keys FILE, or --allow-unsigned "
           "for development)";
  return out;
}

// --- signing (development) -----------------------------------------------------------------

result<std::string> sign_token(const token_claims& claims, const std::string& private_key_pem,
                               const std::string& key_id) {
  BIO* bio = BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size()));
  pkey_ptr key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  if (!key) return make_error(errc::configuration, "not a PEM private key");
  const auto alg = algorithm_of(key.get());
  if (alg.empty()) return make_error(errc::configuration, "the key is neither Ed25519 nor RSA");
  json header = {{"alg", alg}, {"typ", "JWT"}};
  if (!key_id.empty()) header["kid"] = key_id;
  json body = {{"sub", claims.subject}, {"iat", claims.issued_at_s}, {"exp", claims.expires_at_s}};
  body["roles"] = claims.roles;
  if (!claims.issuer.empty()) body["iss"] = claims.issuer;
  if (!claims.audience.empty()) body["aud"] = claims.audience;
  if (!claims.token_id.empty()) body["jti"] = claims.token_id;
  const std::string signed_part =
      base64url_encode(header.dump()) + "." + base64url_encode(body.dump());
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  std::size_t len = 0;
  std::string sig;
  bool ok =
      md != nullptr &&
      EVP_DigestSignInit(md, nullptr, alg == "RS256" ? EVP_sha256() : nullptr, nullptr,
                         key.get()) == 1 &&
      EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(signed_part.data()),
                        signed_part.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(md);
  if (!ok) return make_error(errc::configuration, "signing the token failed");
  return signed_part + "." + base64url_encode(sig);
}

result<std::pair<std::string, std::string>> generate_ed25519_key(const std::string& key_id) {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (raw == nullptr) return make_error(errc::configuration, "Ed25519 key generation failed");
  pkey_ptr key(raw);
  BIO* bio = BIO_new(BIO_s_mem());
  std::string pem;
  if (PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<std::size_t>(n));
  }
  BIO_free(bio);
  std::array<unsigned char, 32> pub{};
  std::size_t len = pub.size();
  if (pem.empty() || EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1)
    return make_error(errc::configuration, "Ed25519 key export failed");
  const json jwks = {{"keys", json::array({{{"kty", "OKP"},
                                            {"crv", "Ed25519"},
                                            {"use", "sig"},
                                            {"alg", "EdDSA"},
                                            {"kid", key_id},
                                            {"x", base64url_encode(pub.data(), len)}}})}};
  return std::make_pair(pem, jwks.dump(2) + "\n");
}

std::string unverified_subject(std::string_view token) {
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return {};
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return {};
  const auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload) return {};
  const json claims = json::parse(*payload, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) return {};
  const auto it = claims.find("sub");
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace aetherial::runtime
