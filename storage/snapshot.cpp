#include "storage/snapshot.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include "schemas/snapshot_generated.h"
#include "storage/cipher.hpp"

namespace aetherial::storage {

namespace {

// CRC-32C, reflected Castagnoli polynomial (iSCSI, RFC 3720), slicing-by-8: eight 256-entry
// tables let the loop consume eight bytes per step instead of one.
constexpr std::uint32_t castagnoli_reflected = 0x82F63B78u;

using crc_tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr crc_tables make_crc_tables() {
  crc_tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1u) ? (c >> 1) ^ castagnoli_reflected : c >> 1;
    t[0][i] = c;
  }
  for (std::uint32_t i = 0; i < 256; ++i)
    for (std::size_t s = 1; s < 8; ++s)
      t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xffu];
  return t;
}

constexpr crc_tables crc_table = make_crc_tables();

error corrupt(std::string message) {
  return error{"storage", static_cast<int>(errc::corrupt), std::move(message)};
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Printable form of the four identifier bytes of a buffer that is not a snapshot.
std::string printable_identifier(const std::uint8_t* p) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    const auto c = p[i];
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

} // namespace

std::uint32_t crc32c(const std::uint8_t* data, std::size_t size) noexcept {
  return crc32c_extend(0, data, size);
}

std::uint32_t crc32c_extend(std::uint32_t crc, const std::uint8_t* data,
                            std::size_t size) noexcept {
  std::uint32_t c = crc ^ 0xffffffffu;
  const auto& t = crc_table;
  while (size >= 8) {
    // Bytes are combined explicitly (little-endian order), so the result does not depend on
    // the host's byte order or on the alignment of `data`.
    const std::uint32_t lo = c ^ (std::uint32_t{data[0]} | std::uint32_t{data[1]} << 8 |
                                  std::uint32_t{data[2]} << 16 | std::uint32_t{data[3]} << 24);
    c = t[7][lo & 0xffu] ^ t[6][(lo >> 8) & 0xffu] ^ t[5][(lo >> 16) & 0xffu] ^ t[4][lo >> 24] ^
        t[3][data[4]] ^ t[2][data[5]] ^ t[1][data[6]] ^ t[0][data[7]];
    data += 8;
    size -= 8;
  }
  while (size-- > 0)
    c = (c >> 8) ^ t[0][(c ^ *data++) & 0xffu];
  return c ^ 0xffffffffu;
}

namespace {

/// Feeds values into a running CRC-32C in a fixed little-endian layout.
class record_digest {
public:
  void bytes(const void* data, std::size_t size) {
    // crc32c() starts from and finishes with 0xffffffff: chain by undoing the finish.
    crc_ = crc32c_extend(crc_, static_cast<const std::uint8_t*>(data), size);
  }
  template <class T> void scalar(T v) {
    std::uint8_t le[sizeof(T)];
    auto u = static_cast<std::uint64_t>(v);
    for (std::size_t i = 0; i < sizeof(T); ++i, u >>= 8)
      le[i] = static_cast<std::uint8_t>(u & 0xffu);
    bytes(le, sizeof le);
  }
  void text(std::string_view s) {
    scalar<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  [[nodiscard]] std::uint32_t value() const { return crc_; }

private:
  std::uint32_t crc_ = 0;
};

struct offset_view {
  std::string_view topic;
  std::int32_t partition;
  std::int64_t offset;
};

/// `ids`: the recent event ids as stored (hi, lo pairs); none leaves the checksum as records
/// without them had it.
std::uint32_t record_crc(std::string_view agent, std::int32_t partition,
                         std::uint32_t state_version, const std::vector<offset_view>& offsets,
                         std::uint64_t journal_seq, std::uint64_t events_applied,
                         std::uint32_t state_crc, std::int64_t last_event_time_ms,
                         const flatbuffers::Vector<std::uint64_t>* ids, std::string_view key_id,
                         const std::uint8_t* nonce, std::size_t nonce_size) {
  record_digest d;
  d.text(agent);
  d.scalar(partition);
  d.scalar(state_version);
  d.scalar<std::uint32_t>(static_cast<std::uint32_t>(offsets.size()));
  for (const auto& o : offsets) {
    d.text(o.topic);
    d.scalar(o.partition);
    d.scalar(o.offset);
  }
  d.scalar(journal_seq);
  d.scalar(events_applied);
  d.scalar(state_crc);
  d.scalar(last_event_time_ms);
  if (ids != nullptr && ids->size() > 0) {
    d.scalar<std::uint32_t>(ids->size());
    for (const auto v : *ids)
      d.scalar(v);
  }
  if (!key_id.empty()) {
    d.text(key_id);
    d.scalar<std::uint32_t>(static_cast<std::uint32_t>(nonce_size));
    d.bytes(nonce, nonce_size);
  }
  return d.value();
}

/// What a sealed state is bound to: moving it to another group, version or point is detected.
std::string sealing_context(std::string_view agent, std::int32_t partition,
                            std::uint32_t state_version, std::uint64_t journal_seq,
                            std::uint64_t events_applied) {
  std::string aad = "aetherial.snapshot.state/";
  aad += agent;
  aad += '/' + std::to_string(partition) + '/' + std::to_string(state_version) + '/' +
         std::to_string(journal_seq) + '/' + std::to_string(events_applied);
  return aad;
}

std::vector<std::uint8_t> encode_record(const snapshot& s, const state_cipher::sealed* sealed) {
  namespace fbs = aetherial::schema;
  flatbuffers::FlatBufferBuilder b(s.state.size() + 256 + 64 * s.offsets.size());
  // Children first: FlatBuffers builds back to front.
  std::vector<flatbuffers::Offset<fbs::TopicOffset>> offsets;
  offsets.reserve(s.offsets.size());
  for (const auto& o : s.offsets)
    offsets.push_back(fbs::CreateTopicOffsetDirect(b, o.topic.c_str(), o.partition, o.offset));
  const auto agent = b.CreateString(s.agent);
  const auto offsets_vec = b.CreateVector(offsets);
  const auto& stored = sealed != nullptr ? sealed->data : s.state;
  const auto state = b.CreateVector(stored.data(), stored.size());
  const auto state_crc = crc32c(stored.data(), stored.size());
  flatbuffers::Offset<flatbuffers::String> key_id;
  flatbuffers::Offset<flatbuffers::Vector<std::uint8_t>> nonce;
  if (sealed != nullptr) {
    key_id = b.CreateString(sealed->key_id);
    nonce = b.CreateVector(sealed->nonce.data(), sealed->nonce.size());
  }
  std::vector<offset_view> views;
  views.reserve(s.offsets.size());
  for (const auto& o : s.offsets)
    views.push_back({o.topic, o.partition, o.offset});
  flatbuffers::Offset<flatbuffers::Vector<std::uint64_t>> ids_vec;
  const flatbuffers::Vector<std::uint64_t>* ids = nullptr;
  if (!s.recent_event_ids.empty()) {
    std::vector<std::uint64_t> flat;
    flat.reserve(2 * s.recent_event_ids.size());
    for (const auto& id : s.recent_event_ids) {
      flat.push_back(id.hi);
      flat.push_back(id.lo);
    }
    ids_vec = b.CreateVector(flat);
    ids = flatbuffers::GetTemporaryPointer(b, ids_vec);
  }
  const auto whole = record_crc(s.agent, s.partition, s.state_version, views, s.journal_seq,
                                s.events_applied, state_crc, s.last_event_time_ms, ids,
                                sealed != nullptr ? std::string_view(sealed->key_id) : "",
                                sealed != nullptr ? sealed->nonce.data() : nullptr,
                                sealed != nullptr ? sealed->nonce.size() : 0);
  b.ForceDefaults(true); // the record checksum is written even when it happens to be 0
  const auto root = fbs::CreateSnapshotRecord(b, agent, s.partition, s.state_version, offsets_vec,
                                              s.journal_seq, s.events_applied, state, state_crc,
                                              s.last_event_time_ms, whole, ids_vec, key_id, nonce);
  fbs::FinishSnapshotRecordBuffer(b, root);
  return std::vector<std::uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

} // namespace

std::vector<std::uint8_t> encode_snapshot(const snapshot& s) {
  return encode_record(s, nullptr);
}

result<std::vector<std::uint8_t>> encode_snapshot(const snapshot& s, const state_cipher* cipher) {
  if (cipher == nullptr) return encode_record(s, nullptr);
  auto sealed = cipher->seal(
      s.state.data(), s.state.size(),
      sealing_context(s.agent, s.partition, s.state_version, s.journal_seq, s.events_applied));
  if (!sealed) return sealed.error_value();
  return encode_record(s, &sealed.value());
}

result<snapshot> decode_snapshot(const std::uint8_t* data, std::size_t size,
                                 const state_cipher* cipher) {
  namespace fbs = aetherial::schema;
  if (data == nullptr || size == 0) return corrupt("snapshot buffer is empty");
  if (size >= FLATBUFFERS_MAX_BUFFER_SIZE)
    return corrupt("snapshot buffer of " + std::to_string(size) +
                   " bytes exceeds the FlatBuffers size limit");
  if (size < 8)
    return corrupt("snapshot buffer of " + std::to_string(size) +
                   " bytes is too short to be a SnapshotRecord (truncated)");
  // A finished FlatBuffer is padded to at least its 4-byte offset alignment, so any other size
  // means bytes were lost (or appended) even if the lost ones were only trailing padding.
  if (size % sizeof(flatbuffers::uoffset_t) != 0)
    return corrupt("snapshot buffer of " + std::to_string(size) +
                   " bytes is not a whole FlatBuffer (size not a multiple of 4; truncated)");
  if (!fbs::SnapshotRecordBufferHasIdentifier(data))
    return corrupt("buffer is not a SnapshotRecord: file identifier '" +
                   printable_identifier(data + 4) + "', expected '" +
                   fbs::SnapshotRecordIdentifier() + "'");

  // FlatBuffers reads scalars in place, so an input at an odd address (a RocksDB block, a
  // Kafka payload) is copied to an allocation with the alignment the accessors assume.
  std::vector<std::uint8_t> aligned;
  if (reinterpret_cast<std::uintptr_t>(data) % alignof(std::max_align_t) != 0) {
    aligned.assign(data, data + size);
    data = aligned.data();
  }

  flatbuffers::Verifier verifier(data, size);
  if (!fbs::VerifySnapshotRecordBuffer(verifier))
    return corrupt("snapshot buffer of " + std::to_string(size) +
                   " bytes failed FlatBuffers verification (truncated or damaged)");
  const auto* rec = fbs::GetSnapshotRecord(data);
  if (rec->agent() == nullptr) return corrupt("snapshot record has no agent");
  if (rec->state() == nullptr)
    return corrupt("snapshot record of agent '" + rec->agent()->str() + "' has no state");

  const auto* state = rec->state();
  const std::uint32_t computed = crc32c(state->data(), state->size());
  if (computed != rec->state_crc32c())
    return corrupt("snapshot of agent '" + rec->agent()->str() + "' partition " +
                   std::to_string(rec->partition()) + ": state checksum mismatch (stored " +
                   hex32(rec->state_crc32c()) + ", computed " + hex32(computed) + " over " +
                   std::to_string(state->size()) + " bytes)");

  if (!reinterpret_cast<const flatbuffers::Table*>(rec)->CheckField(
          fbs::SnapshotRecord::VT_RECORD_CRC32C))
    return corrupt("snapshot of agent '" + rec->agent()->str() + "' partition " +
                   std::to_string(rec->partition()) +
                   " has no record checksum (written by an older version)");
  std::vector<offset_view> views;
  if (const auto* offsets = rec->offsets())
    for (const auto* o : *offsets)
      views.push_back({o->topic() ? o->topic()->string_view() : std::string_view(), o->partition(),
                       o->offset()});
  const auto* key_id = rec->state_key_id();
  const auto* nonce = rec->state_nonce();
  if (key_id != nullptr && key_id->size() == 0)
    return corrupt("snapshot of agent '" + rec->agent()->str() + "' partition " +
                   std::to_string(rec->partition()) + " names an empty snapshot key");
  const auto whole = record_crc(
      rec->agent()->string_view(), rec->partition(), rec->state_version(), views,
      rec->journal_seq(), rec->events_applied(), rec->state_crc32c(), rec->last_event_time_ms(),
      rec->recent_event_ids(), key_id != nullptr ? key_id->string_view() : std::string_view(),
      nonce != nullptr ? nonce->data() : nullptr, nonce != nullptr ? nonce->size() : 0);
  if (whole != rec->record_crc32c())
    return corrupt("snapshot of agent '" + rec->agent()->str() + "' partition " +
                   std::to_string(rec->partition()) + ": record checksum mismatch (stored " +
                   hex32(rec->record_crc32c()) + ", computed " + hex32(whole) +
                   "): its offsets, sequence or counters are damaged");

  snapshot s;
  s.agent = rec->agent()->str();
  s.partition = rec->partition();
  s.state_version = rec->state_version();
  if (const auto* offsets = rec->offsets()) {
    s.offsets.reserve(offsets->size());
    for (const auto* o : *offsets) {
      input_offset io;
      if (o->topic() != nullptr) io.topic = o->topic()->str();
      io.partition = o->partition();
      io.offset = o->offset();
      s.offsets.push_back(std::move(io));
    }
  }
  s.journal_seq = rec->journal_seq();
  s.events_applied = rec->events_applied();
  s.last_event_time_ms = rec->last_event_time_ms();
  if (key_id != nullptr) {
    const auto where =
        "snapshot of agent '" + s.agent + "' partition " + std::to_string(s.partition) + ": ";
    if (cipher == nullptr)
      return corrupt(where + "state is sealed with snapshot key '" + key_id->str() +
                     "' and no snapshot key file is configured (--snapshot-key-file)");
    auto opened = cipher->open(
        key_id->string_view(), nonce != nullptr ? nonce->data() : nullptr,
        nonce != nullptr ? nonce->size() : 0, state->data(), state->size(),
        sealing_context(s.agent, s.partition, s.state_version, s.journal_seq, s.events_applied));
    if (!opened) return corrupt(where + opened.error_value().message);
    s.state = std::move(opened.value());
    s.sealed_with = key_id->str();
  } else {
    s.state.assign(state->begin(), state->end());
  }
  if (const auto* ids = rec->recent_event_ids()) {
    if (ids->size() % 2 != 0)
      return corrupt("snapshot of agent '" + s.agent + "' partition " +
                     std::to_string(s.partition) + ": recent event ids hold " +
                     std::to_string(ids->size()) + " values, not (hi, lo) pairs");
    s.recent_event_ids.reserve(ids->size() / 2);
    for (flatbuffers::uoffset_t i = 0; i + 1 < ids->size(); i += 2)
      s.recent_event_ids.push_back({ids->Get(i), ids->Get(i + 1)});
  }
  return s;
}

} // namespace aetherial::storage
