#include "storage/cipher.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "storage/snapshot.hpp"

namespace aetherial::storage {

namespace {

error make_error(errc code, std::string message) {
  return error{"storage", static_cast<int>(code), std::move(message)};
}

struct ctx_free {
  void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_free>;

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_hex_key(std::string_view hex, std::array<std::uint8_t, state_cipher::key_bytes>& out) {
  if (hex.size() != 2 * state_cipher::key_bytes) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

void wipe(std::string& s) {
  OPENSSL_cleanse(s.data(), s.size());
}

} // namespace

result<std::shared_ptr<const state_cipher>> state_cipher::from_keys(std::vector<key> keys) {
  if (keys.empty()) return make_error(errc::invalid, "the snapshot key set holds no key");
  std::set<std::string> seen;
  for (const auto& k : keys) {
    if (!valid_id(k.id))
      return make_error(errc::invalid, "snapshot key id '" + k.id.substr(0, 64) +
                                           "' is not 1 to 64 letters, digits, '.', '_' or '-'");
    if (!seen.insert(k.id).second)
      return make_error(errc::invalid, "snapshot key id '" + k.id + "' appears twice");
  }
  return std::shared_ptr<const state_cipher>(new state_cipher(std::move(keys)));
}

result<std::shared_ptr<const state_cipher>> state_cipher::load(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error(errc::invalid,
                      "cannot read the snapshot key file " + path + " (check --snapshot-key-file)");
  if ((st.st_mode & S_IROTH) != 0)
    return make_error(errc::invalid,
                      "the snapshot key file " + path + " is readable by every user: chmod 600 it");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(errc::invalid,
                      "cannot read the snapshot key file " + path + " (check --snapshot-key-file)");
  std::vector<key> keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') {
      wipe(line);
      continue;
    }
    std::istringstream fields(line);
    key k;
    std::string hex;
    std::string extra;
    fields >> k.id >> hex >> extra;
    const bool ok = !hex.empty() && extra.empty() && parse_hex_key(hex, k.bytes);
    wipe(line);
    wipe(hex);
    wipe(extra);
    if (!ok)
      return make_error(errc::invalid, "snapshot key file " + path + " line " +
                                           std::to_string(number) +
                                           ": expected 'ID KEY', KEY being 64 hex digits "
                                           "(e.g. from `openssl rand -hex 32`)");
    keys.push_back(std::move(k));
  }
  if (keys.empty())
    return make_error(errc::invalid, "the snapshot key file " + path + " holds no key");
  auto made = from_keys(std::move(keys));
  if (!made)
    return make_error(errc::invalid,
                      "snapshot key file " + path + ": " + made.error_value().message);
  return made;
}

bool state_cipher::has(std::string_view key_id) const {
  return std::any_of(keys_.begin(), keys_.end(), [&](const key& k) { return k.id == key_id; });
}

result<state_cipher::sealed> state_cipher::seal(const std::uint8_t* plain, std::size_t size,
                                                std::string_view aad) const {
  const auto& k = keys_.front();
  sealed out;
  out.key_id = k.id;
  if (RAND_bytes(out.nonce.data(), static_cast<int>(out.nonce.size())) != 1)
    return make_error(errc::io, "no random bytes for a snapshot nonce");
  if (size > static_cast<std::size_t>(INT32_MAX) - tag_bytes)
    return make_error(errc::invalid, "snapshot state too large to encrypt");
  ctx_ptr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  out.data.resize(size + tag_bytes);
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k.bytes.data(), out.nonce.data()) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data.data(), &len, plain, static_cast<int>(size)) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data.data() + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_bytes),
                          out.data.data() + size) != 1)
    return make_error(errc::io, "AES-256-GCM encryption of snapshot state failed");
  return out;
}

result<std::vector<std::uint8_t>>
state_cipher::open(std::string_view key_id, const std::uint8_t* nonce, std::size_t nonce_size,
                   const std::uint8_t* data, std::size_t size, std::string_view aad) const {
  const auto it =
      std::find_if(keys_.begin(), keys_.end(), [&](const key& k) { return k.id == key_id; });
  if (it == keys_.end())
    return make_error(errc::corrupt, "state is sealed with snapshot key '" + std::string(key_id) +
                                         "', which the key file no longer holds");
  if (nonce == nullptr || nonce_size != nonce_bytes || size < tag_bytes ||
      size > static_cast<std::size_t>(INT32_MAX))
    return make_error(errc::corrupt, "sealed state has a malformed nonce or is too short");
  const std::size_t n = size - tag_bytes;
  // One spare byte: OpenSSL takes a null output of DecryptUpdate for associated data.
  std::vector<std::uint8_t> plain(n + 1);
  ctx_ptr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  // The tag is passed as non-const by OpenSSL's signature only; it is read, not written.
  std::array<std::uint8_t, tag_bytes> tag{};
  std::copy(data + n, data + size, tag.begin());
  const bool ok =
      ctx &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, it->bytes.data(), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), plain.data(), &len, data, static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_bytes),
                          tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return make_error(errc::corrupt, "sealed state does not authenticate with snapshot key '" +
                                         std::string(key_id) +
                                         "' (damaged, or moved from another agent or partition)");
  }
  plain.resize(n);
  return plain;
}

} // namespace aetherial::storage
