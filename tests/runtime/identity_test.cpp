// Identity tokens: every reason a token is refused, the roles it grants, and determinism
// (the same token, keys and event time verify the same way: what the audit relies on).
#include <boost/test/unit_test.hpp>

#include <fstream>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "runtime/identity.hpp"
#include "tests/runtime/runtime_fixture.hpp"

using namespace aetherial;
using runtime::identity_verifier;
using runtime::key_set;
using runtime::token_claims;
using runtime::token_policy;
using status = actors::identity_status;

namespace {

constexpr std::int64_t t0 = 1'800'000'000; // seconds

/// An Ed25519 key ("k1"), a second one ("k2") not in the key set, and an RSA key ("r1").
struct keys_fixture {
  std::string k1_pem, k2_pem, r1_pem, jwks;

  keys_fixture() {
    auto k1 = runtime::generate_ed25519_key("k1");
    auto k2 = runtime::generate_ed25519_key("k2");
    BOOST_TEST_REQUIRE(k1.has_value());
    BOOST_TEST_REQUIRE(k2.has_value());
    k1_pem = k1.value().first;
    k2_pem = k2.value().first;
    jwks = k1.value().second;
    // An RSA key, its public part added to the set as a second JWKS key via PEM export.
    EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    BOOST_TEST_REQUIRE(rsa != nullptr);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, rsa, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    r1_pem.assign(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, rsa);
    const long m = BIO_get_mem_data(bio, &data);
    rsa_public_pem.assign(data, static_cast<std::size_t>(m));
    BIO_free(bio);
    EVP_PKEY_free(rsa);
  }
  std::string rsa_public_pem;

  identity_verifier verifier(token_policy p = policy()) const {
    auto ks = key_set::from_jwks(jwks);
    BOOST_TEST_REQUIRE(ks.has_value());
    return identity_verifier(std::move(ks.value()), p);
  }
  static token_policy policy() {
    token_policy p;
    p.issuer = "https://id.example";
    p.audience = "aetherial";
    return p;
  }
  static token_claims claims(std::string sub = "user:alice",
                             std::vector<std::string> roles = {"admin", "user"}) {
    token_claims c;
    c.subject = std::move(sub);
    c.roles = std::move(roles);
    c.issuer = "https://id.example";
    c.audience = "aetherial";
    c.issued_at_s = t0;
    c.expires_at_s = t0 + 3600;
    c.token_id = "jti-1";
    return c;
  }
  std::string sign(const token_claims& c, const std::string& pem, const std::string& kid) const {
    auto t = runtime::sign_token(c, pem, kid);
    BOOST_TEST_REQUIRE(t.has_value());
    return t.value();
  }
  std::string good() const { return sign(claims(), k1_pem, "k1"); }
};

const std::int64_t at = (t0 + 60) * 1000; // event time within the token's life

std::string refusal(const identity_verifier& v, const std::string& token,
                    std::string_view principal = "user:alice", std::string_view role = "",
                    std::int64_t time = at) {
  const auto id = v.verify(token, principal, role, time);
  BOOST_TEST((id.status == status::refused), token.substr(0, 40));
  return id.reason;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(identity_tokens, keys_fixture)

BOOST_AUTO_TEST_CASE(a_valid_token_proves_its_subject_and_roles) {
  const auto v = verifier();
  const auto id = v.verify(good(), "user:alice", "", at);
  BOOST_TEST((id.status == status::verified), id.reason);
  BOOST_TEST(id.principal == "user:alice");
  BOOST_TEST(id.roles == (std::vector<std::string>{"admin", "user"}),
             boost::test_tools::per_element());
  BOOST_TEST(id.token_id == "jti-1");
  // The role a command acts in narrows the roles to it, if the token grants it.
  const auto as_user = v.verify(good(), "user:alice", "User", at);
  BOOST_TEST((as_user.status == status::verified));
  BOOST_TEST(as_user.roles == std::vector<std::string>{"user"}, boost::test_tools::per_element());
  BOOST_TEST(refusal(v, good(), "user:alice", "operator").find("does not grant the role") !=
             std::string::npos);
  // An event that names no principal takes the token's.
  BOOST_TEST((v.verify(good(), "", "", at).status == status::verified));
}

BOOST_AUTO_TEST_CASE(rs256_tokens_verify_with_a_pem_key) {
  test::temp_dir dir;
  const auto path = dir.path() + "/issuer.pem";
  std::ofstream(path) << rsa_public_pem;
  auto ks = key_set::load(path);
  BOOST_TEST_REQUIRE(ks.has_value());
  const identity_verifier v(std::move(ks.value()), policy());
  const auto token = sign(claims(), r1_pem, "issuer");
  BOOST_TEST(token.find("eyJhbGciOiJSUzI1NiI") == 0u); // {"alg":"RS256"...
  BOOST_TEST((v.verify(token, "user:alice", "", at).status == status::verified));
  BOOST_TEST(refusal(v, good()).find("unknown key") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_failure_has_its_reason) {
  const auto v = verifier();
  const auto reason_of = [&](const token_claims& c) { return refusal(v, sign(c, k1_pem, "k1")); };
  BOOST_TEST(refusal(v, "") == "no identity token");
  BOOST_TEST(refusal(v, "abc").find("not a compact JWT") != std::string::npos);
  BOOST_TEST(refusal(v, "a.b.c.d").find("not a compact JWT") != std::string::npos);
  BOOST_TEST(refusal(v, "a*.b.c").find("base64url") != std::string::npos);
  BOOST_TEST(refusal(v, std::string(9000, 'a')).find("larger than 8 KiB") != std::string::npos);
  // The signature: another key, a changed payload, a changed signature, alg none / HS256.
  BOOST_TEST(refusal(v, sign(claims(), k2_pem, "k2")).find("unknown key") != std::string::npos);
  BOOST_TEST(refusal(v, sign(claims(), k2_pem, "k1")).find("signature is not valid") !=
             std::string::npos);
  auto token = good();
  const auto dot = token.find('.');
  auto forged = sign(claims("user:mallory"), k2_pem, "k1");
  const auto mixed = token.substr(0, dot) + forged.substr(forged.find('.'));
  BOOST_TEST(refusal(v, mixed, "user:mallory").find("signature is not valid") != std::string::npos);
  auto flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  BOOST_TEST(!refusal(v, flipped).empty());
  const std::string none_header = "eyJhbGciOiJub25lIn0"; // {"alg":"none"}
  BOOST_TEST(refusal(v, none_header + token.substr(dot)).find("algorithm 'none'") !=
             std::string::npos);
  const std::string hs_header = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0"; // {"alg":"HS256","kid":"k1"}
  BOOST_TEST(refusal(v, hs_header + token.substr(dot)).find("is not accepted") !=
             std::string::npos);
  // Claims, at the event's time.
  BOOST_TEST(refusal(v, good(), "user:alice", "", (t0 + 3600) * 1000 + 60'000).find("expired") !=
             std::string::npos);
  BOOST_TEST(refusal(v, good(), "user:alice", "", (t0 - 120) * 1000).find("issued after") !=
             std::string::npos);
  auto c = claims();
  c.issuer = "https://evil.example";
  BOOST_TEST(reason_of(c).find("issuer") != std::string::npos);
  c = claims();
  c.audience = "another-app";
  BOOST_TEST(reason_of(c).find("audience") != std::string::npos);
  c = claims();
  c.subject.clear();
  BOOST_TEST(reason_of(c).find("no subject") != std::string::npos);
  c = claims();
  c.expires_at_s = t0 + 40 * 86400;
  BOOST_TEST(reason_of(c).find("lifetime") != std::string::npos);
  // A valid token of another principal, replayed under a different name.
  BOOST_TEST(refusal(v, good(), "user:mallory").find("another principal") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(without_keys_everything_is_refused_unless_development_mode) {
  const identity_verifier none(key_set{}, policy());
  BOOST_TEST(refusal(none, good()).find("no token keys") != std::string::npos);
  BOOST_TEST(refusal(none, "") == "no identity token");
  auto dev = policy();
  dev.allow_unsigned = true;
  const identity_verifier open(key_set{}, dev);
  const auto id = open.verify("", "user:bob", "Admin", at);
  BOOST_TEST((id.status == status::unsigned_allowed));
  BOOST_TEST(id.principal == "user:bob");
  BOOST_TEST(id.roles == std::vector<std::string>{"admin"}, boost::test_tools::per_element());
  // A token that is present is verified even in development mode.
  BOOST_TEST((open.verify(good(), "user:alice", "", at).status == status::refused));
}

BOOST_AUTO_TEST_CASE(verification_is_deterministic) {
  const auto v = verifier();
  const auto token = good();
  const auto a = v.verify(token, "user:alice", "admin", at);
  const auto b = verifier().verify(token, "user:alice", "admin", at);
  BOOST_TEST((a.status == b.status));
  BOOST_TEST(a.principal == b.principal);
  BOOST_TEST(a.roles == b.roles, boost::test_tools::per_element());
  BOOST_TEST(runtime::unverified_subject(token) == "user:alice");
  BOOST_TEST(runtime::unverified_subject("garbage") == "");
}

BOOST_AUTO_TEST_CASE(bad_key_files_say_what_is_wrong) {
  test::temp_dir dir;
  BOOST_TEST(
      key_set::load(dir.path() + "/missing.json").error_value().message.find("cannot read") !=
      std::string::npos);
  const auto bad = dir.path() + "/bad.json";
  std::ofstream(bad) << R"({"keys":[{"kty":"EC","crv":"P-256","kid":"e"}]})";
  BOOST_TEST(key_set::load(bad).error_value().message.find("not supported") != std::string::npos);
  const auto empty = dir.path() + "/empty.pem";
  std::ofstream(empty) << "nothing here\n";
  BOOST_TEST(key_set::load(empty).error_value().message.find("no public key") != std::string::npos);
  const auto dup = dir.path() + "/dup.json";
  auto k = runtime::generate_ed25519_key("same");
  std::string one = k.value().second;
  const auto keys_at = one.find('[');
  const auto end_at = one.rfind(']');
  const std::string entry = one.substr(keys_at + 1, end_at - keys_at - 1);
  std::ofstream(dup) << "{\"keys\":[" << entry << "," << entry << "]}";
  BOOST_TEST(key_set::load(dup).error_value().message.find("share the kid") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
