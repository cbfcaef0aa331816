#include "runtime/state_spill.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <openssl/evp.h>

namespace aetherial::runtime {

namespace {

using bytes = std::vector<std::uint8_t>;

constexpr std::array<std::uint8_t, 8> magic = {0, 0, 0, 0, 'A', 'S', 'P', 'L'};
constexpr std::size_t digest_bytes = 32;
/// magic, u32 format version, u64 state size, u32 chunk count, u32 chunk size, SHA-256.
constexpr std::size_t marker_bytes = magic.size() + 4 + 8 + 4 + 4 + digest_bytes;
constexpr std::uint32_t format_version = 1;

void put_be(bytes& out, std::uint64_t v, int n) {
  for (int shift = 8 * (n - 1); shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>((v >> shift) & 0xffu));
}

std::uint64_t get_be(const bytes& in, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v = (v << 8) | in[at + static_cast<std::size_t>(i)];
  return v;
}

std::string chunk_key(std::uint32_t index) {
  std::string k(4, '\0');
  for (int i = 0; i < 4; ++i)
    k[static_cast<std::size_t>(i)] = static_cast<char>((index >> (8 * (3 - i))) & 0xffu);
  return k;
}

std::array<std::uint8_t, digest_bytes> sha256(const std::uint8_t* data, std::size_t size) {
  std::array<std::uint8_t, digest_bytes> d{};
  unsigned int n = 0;
  if (EVP_Digest(data, size, d.data(), &n, EVP_sha256(), nullptr) != 1 || n != digest_bytes)
    throw std::runtime_error("SHA-256 of a state failed");
  return d;
}

/// The keys of `$state` at or past chunk `from`, in order.
std::vector<std::string> chunks_from(const actors::table_store& tables, std::uint32_t from) {
  std::vector<std::string> keys;
  tables.scan(spill_table, chunk_key(from), {}, [&](std::string_view key, const bytes&) {
    keys.emplace_back(key);
    return true;
  });
  return keys;
}

} // namespace

bool is_spilled(const bytes& state) noexcept {
  return state.size() == marker_bytes && std::equal(magic.begin(), magic.end(), state.begin());
}

bytes spill_state(actors::table_store& tables, bytes state, std::size_t chunk_bytes) {
  chunk_bytes = std::clamp(chunk_bytes, min_spill_bytes, max_spill_bytes);
  std::uint32_t count = 0;
  if (state.size() > chunk_bytes) {
    count = static_cast<std::uint32_t>((state.size() + chunk_bytes - 1) / chunk_bytes);
    for (std::uint32_t i = 0; i < count; ++i) {
      const auto begin = state.begin() + static_cast<std::ptrdiff_t>(i * chunk_bytes);
      const auto end = state.begin() +
                       static_cast<std::ptrdiff_t>(std::min(state.size(), (i + 1) * chunk_bytes));
      const std::string key = chunk_key(i);
      // Only a chunk whose bytes changed becomes a change of the checkpoint.
      const auto now = tables.get(spill_table, key);
      if (now && std::equal(now->begin(), now->end(), begin, end)) continue;
      tables.put(spill_table, key, bytes(begin, end));
    }
  }
  for (const auto& key : chunks_from(tables, count))
    tables.erase(spill_table, key);
  if (count == 0) return state;

  bytes marker(magic.begin(), magic.end());
  marker.reserve(marker_bytes);
  put_be(marker, format_version, 4);
  put_be(marker, state.size(), 8);
  put_be(marker, count, 4);
  put_be(marker, chunk_bytes, 4);
  const auto digest = sha256(state.data(), state.size());
  marker.insert(marker.end(), digest.begin(), digest.end());
  return marker;
}

result<bytes> unspill_state(const actors::table_store& tables, bytes state) {
  if (!is_spilled(state)) return state;
  const auto fail = [](const std::string& why) {
    return make_error(errc::snapshot_unreadable, "the spilled state " + why);
  };
  std::size_t at = magic.size();
  const auto version = get_be(state, at, 4);
  const auto size = get_be(state, at + 4, 8);
  const auto count = get_be(state, at + 12, 4);
  const auto chunk = get_be(state, at + 16, 4);
  at += 20;
  if (version != format_version)
    return fail("has format version " + std::to_string(version) + ", not " +
                std::to_string(format_version));
  if (chunk < min_spill_bytes || chunk > max_spill_bytes || count == 0 ||
      (size + chunk - 1) / chunk != count)
    return fail("marker is inconsistent (" + std::to_string(size) + " bytes in " +
                std::to_string(count) + " chunks of " + std::to_string(chunk) + ")");
  bytes whole;
  whole.reserve(static_cast<std::size_t>(size));
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto part = tables.get(spill_table, chunk_key(i));
    const std::uint64_t expected = i + 1 < count ? chunk : size - chunk * (count - 1);
    if (!part) return fail("lacks chunk " + std::to_string(i) + " of " + std::to_string(count));
    if (part->size() != expected)
      return fail("chunk " + std::to_string(i) + " has " + std::to_string(part->size()) +
                  " bytes, not " + std::to_string(expected));
    whole.insert(whole.end(), part->begin(), part->end());
  }
  const auto digest = sha256(whole.data(), whole.size());
  if (!std::equal(digest.begin(), digest.end(), state.begin() + static_cast<std::ptrdiff_t>(at)))
    return fail("does not match its digest: its chunks are not the ones it was written with");
  return whole;
}

} // namespace aetherial::runtime
