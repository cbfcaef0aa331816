#pragma once
// Encryption of snapshot state at rest: AES-256-GCM with keys from a key file.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "schemas/result.hpp"

namespace aetherial::storage {

/// A set of AES-256 keys, each with an id. The first key seals new state; every key opens state
/// sealed with it, so a key is rotated by putting a new one first and kept until no stored
/// snapshot names it. Deleting a key makes every snapshot sealed with it unreadable (the host
/// then rebuilds its state from the log). Immutable after load; thread-safe.
class state_cipher {
public:
  static constexpr std::size_t key_bytes = 32;
  static constexpr std::size_t nonce_bytes = 12;
  static constexpr std::size_t tag_bytes = 16;

  struct key {
    std::string id;
    std::array<std::uint8_t, key_bytes> bytes{};
  };

  /// What sealing produced: `data` is the ciphertext followed by the 16-byte GCM tag.
  struct sealed {
    std::string key_id;
    std::array<std::uint8_t, nonce_bytes> nonce{};
    std::vector<std::uint8_t> data;
  };

  /// Reads a key file: one key per line, `ID HEX` (ID of letters, digits, '.', '_', '-', at
  /// most 64; HEX 64 hex digits), '#' comments and blank lines ignored. Refuses a file other
  /// users may read, a malformed line (by number, never quoting a key) and duplicate ids.
  [[nodiscard]] static result<std::shared_ptr<const state_cipher>> load(const std::string& path);
  /// The same from keys in memory (the first seals); refuses none, bad ids and duplicates.
  [[nodiscard]] static result<std::shared_ptr<const state_cipher>> from_keys(std::vector<key> keys);

  /// The id of the key that seals.
  [[nodiscard]] const std::string& sealing_key() const { return keys_.front().id; }
  [[nodiscard]] std::size_t size() const { return keys_.size(); }
  [[nodiscard]] bool has(std::string_view key_id) const;

  /// Encrypts `plain` with the sealing key and a fresh random nonce, authenticating `aad` too.
  [[nodiscard]] result<sealed> seal(const std::uint8_t* plain, std::size_t size,
                                    std::string_view aad) const;
  /// Decrypts what `seal` produced; errc::corrupt when the key is unknown or the ciphertext,
  /// nonce or `aad` do not authenticate.
  [[nodiscard]] result<std::vector<std::uint8_t>>
  open(std::string_view key_id, const std::uint8_t* nonce, std::size_t nonce_size,
       const std::uint8_t* data, std::size_t size, std::string_view aad) const;

private:
  explicit state_cipher(std::vector<key> keys) : keys_(std::move(keys)) {}
  std::vector<key> keys_;
};

} // namespace aetherial::storage
