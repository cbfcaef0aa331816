#include "actors/text/codec.hpp"

#include "schemas/envelope.hpp"

namespace aetherial::actors::text {

namespace {

constexpr std::size_t header_size = 4 + 4 + 8;
constexpr std::size_t trailer_size = 8;

std::uint64_t checksum(const std::uint8_t* p, std::size_t n) {
  return schemas::fnv1a(std::string_view(reinterpret_cast<const char*>(p), n));
}

} // namespace

std::vector<std::uint8_t> seal(std::string_view magic, std::uint32_t version,
                               const std::vector<std::uint8_t>& body) {
  byte_writer out;
  auto& o = out.bytes();
  o.reserve(header_size + body.size() + trailer_size);
  for (std::size_t i = 0; i < 4; ++i)
    o.push_back(static_cast<std::uint8_t>(i < magic.size() ? magic[i] : ' '));
  out.u32(version);
  out.u64(body.size());
  o.insert(o.end(), body.begin(), body.end());
  out.u64(checksum(body.data(), body.size()));
  return std::move(o);
}

std::optional<std::pair<const std::uint8_t*, std::size_t>>
unseal(const std::uint8_t* data, std::size_t size, std::string_view magic, std::uint32_t version) {
  if (data == nullptr || size < header_size + trailer_size || magic.size() != 4)
    return std::nullopt;
  if (std::memcmp(data, magic.data(), 4) != 0) return std::nullopt;
  byte_reader head(data + 4, 12);
  if (head.u32() != version) return std::nullopt;
  const std::uint64_t body_size = head.u64();
  if (body_size != size - header_size - trailer_size) return std::nullopt;
  const std::uint8_t* body = data + header_size;
  byte_reader tail(body + body_size, trailer_size);
  if (tail.u64() != checksum(body, static_cast<std::size_t>(body_size))) return std::nullopt;
  return std::make_pair(body, static_cast<std::size_t>(body_size));
}

} // namespace aetherial::actors::text
