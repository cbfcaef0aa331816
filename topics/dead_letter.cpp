#include <algorithm>
#include <cstdio>

#include <openssl/evp.h>

#include "topics/kafka.hpp"

namespace aetherial::topics {
namespace {

constexpr std::size_t max_reason_bytes = 4096;
constexpr std::size_t max_key_bytes = 1024;
constexpr std::size_t max_source_header_bytes = 16 * 1024;

std::string sha256_hex(const std::vector<std::uint8_t>& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr) != 1) return {};
  std::string hex(2 * n, '0');
  for (unsigned int i = 0; i < n; ++i)
    std::snprintf(&hex[2 * i], 3, "%02x", digest[i]);
  return hex;
}

/// `text` cut to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cut(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0u) == 0x80u)
    --end;
  return std::string(text.substr(0, end)) + "...";
}

std::size_t header_bytes(const std::vector<header>& hs) {
  std::size_t n = 0;
  for (const auto& h : hs)
    n += h.key.size() + h.value.size();
  return n;
}

} // namespace

record dead_letter_record(const record& source, const dead_letter_info& info) {
  record out;
  out.topic = source.topic;
  out.partition = source.partition;
  out.offset = source.offset;
  out.timestamp_ms = source.timestamp_ms;
  out.null_value = source.null_value;
  out.key = cut(source.key, max_key_bytes);
  std::size_t dropped = 0;
  if (header_bytes(source.headers) <= max_source_header_bytes)
    out.headers = source.headers;
  else
    dropped = source.headers.size();
  out.headers.push_back({std::string(dlq_reason_header), cut(info.reason, max_reason_bytes)});
  if (!info.agent.empty())
    out.headers.push_back({std::string(dlq_agent_header), std::string(info.agent)});
  out.headers.push_back({std::string(dlq_topic_header), source.topic});
  out.headers.push_back({std::string(dlq_partition_header), std::to_string(source.partition)});
  out.headers.push_back({std::string(dlq_offset_header), std::to_string(source.offset)});
  // What the record costs besides its value: key, headers, and the broker's own framing.
  constexpr std::size_t framing = 512;
  const std::size_t fixed = out.key.size() + header_bytes(out.headers) + 3 * 96 + framing;
  const std::size_t room = info.max_bytes > fixed ? info.max_bytes - fixed : 0;
  if (source.value.size() <= room && dropped == 0 && out.key.size() == source.key.size()) {
    out.value = source.value;
    return out;
  }
  const std::size_t kept = std::min(room, source.value.size());
  out.value.assign(source.value.begin(), source.value.begin() + static_cast<std::ptrdiff_t>(kept));
  out.headers.push_back(
      {std::string(dlq_original_size_header), std::to_string(source.value.size())});
  out.headers.push_back({std::string(dlq_original_sha256_header), sha256_hex(source.value)});
  out.headers.push_back({std::string(dlq_dropped_headers_header), std::to_string(dropped)});
  return out;
}

result<void> send_dead_letter(producer& p, std::string_view dlq_topic, const record& source,
                              const dead_letter_info& info) {
  const auto copy = dead_letter_record(source, info);
  // An empty value stays empty and a null one null: the copy shows what was received.
  static const std::uint8_t nothing = 0;
  const std::uint8_t* value =
      copy.value.empty() ? (source.null_value ? nullptr : &nothing) : copy.value.data();
  return p.send(dlq_topic, -1, copy.key, value, copy.value.size(), copy.headers);
}

} // namespace aetherial::topics
