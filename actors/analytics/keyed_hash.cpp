#include "actors/analytics/keyed_hash.hpp"

#include <string>

#include "schemas/envelope.hpp"

namespace aetherial::actors::analytics {

namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) noexcept {
  return (x << b) | (x >> (64 - b));
}

struct sip_state {
  std::uint64_t v0, v1, v2, v3;
  void round() noexcept {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
};

} // namespace

hash_key derive_key(std::string_view salt) noexcept {
  std::uint64_t a = 0x6a09e667f3bcc908ULL;
  std::uint64_t b = 0xbb67ae8584caa73bULL;
  for (char c : salt) {
    a = schemas::mix64(a ^ static_cast<unsigned char>(c));
    b = schemas::mix64(b + static_cast<unsigned char>(c) + 0x100);
  }
  a = schemas::mix64(a ^ salt.size());
  b = schemas::mix64(b ^ (salt.size() << 1));
  return {a, b};
}

std::uint64_t siphash24(const hash_key& key, std::string_view data) noexcept {
  sip_state s{key.k0 ^ 0x736f6d6570736575ULL, key.k1 ^ 0x646f72616e646f6dULL,
              key.k0 ^ 0x6c7967656e657261ULL, key.k1 ^ 0x7465646279746573ULL};
  const std::size_t n = data.size();
  const std::size_t full = n - n % 8;
  auto byte = [&](std::size_t i) {
    return static_cast<std::uint64_t>(static_cast<unsigned char>(data[i]));
  };
  for (std::size_t i = 0; i < full; i += 8) {
    std::uint64_t m = 0;
    for (int j = 0; j < 8; ++j)
      m |= byte(i + static_cast<std::size_t>(j)) << (8 * j);
    s.v3 ^= m;
    s.round();
    s.round();
    s.v0 ^= m;
  }
  std::uint64_t last = static_cast<std::uint64_t>(n & 0xff) << 56;
  for (std::size_t j = 0; j < n % 8; ++j)
    last |= byte(full + j) << (8 * j);
  s.v3 ^= last;
  s.round();
  s.round();
  s.v0 ^= last;
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i)
    s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

std::uint64_t keyed_hash(const hash_key& key, std::string_view domain, std::string_view value) {
  std::string data(domain);
  data.push_back('\0');
  data.append(value);
  return siphash24(key, data);
}

std::string tenant_pseudonym(const hash_key& key, std::string_view tenant) {
  static constexpr char digits[] = "0123456789abcdef";
  const std::uint64_t h = keyed_hash(key, "tenant", tenant);
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i)
    out[static_cast<std::size_t>(i)] = digits[(h >> (60 - 4 * i)) & 0xf];
  return out;
}

bool is_tenant_pseudonym(std::string_view name) noexcept {
  if (name.size() != 16) return false;
  for (char c : name)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::uint64_t key_fingerprint(const hash_key& key) noexcept {
  return siphash24(key, "aetherial.analytics.salt-fingerprint");
}

} // namespace aetherial::actors::analytics
