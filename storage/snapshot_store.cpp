#include "storage/snapshot_store.hpp"

#include "storage/cipher.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

namespace aetherial::storage {

namespace {

// Key layout (all snapshot keys sort newest first within their (agent, partition)):
//
//   snap/<agent>/<partition, 10 decimal digits>/<~sequence, 8 bytes big-endian>
//   meta/format -> "1"
//
// Partitions are zero-padded so that byte order is numeric order; the sequence is inverted so
// that a Seek to the group prefix lands on the newest snapshot. Agent names may not contain
// '/', so one group's prefix is never a prefix of another's.
constexpr std::string_view snap_root = "snap/";
constexpr std::string_view format_key = "meta/format";
constexpr std::string_view marker_root = "mark/";
// Tables: tbl/<agent>/<partition, 10 digits>/<table>\0<key> -> [0][value] or, sealed,
// [1][key id length][key id][12-byte nonce][ciphertext + tag]; tat/<agent>/<partition> -> the
// journal seq (8 bytes big-endian) of the snapshot the tables were last stored with.
constexpr std::string_view table_root = "tbl/";
constexpr std::string_view tables_at_root = "tat/";
constexpr std::size_t max_table_name_bytes = 256;
constexpr std::size_t max_table_key_bytes = 64 * 1024;
constexpr std::string_view format_version = "1";
constexpr std::size_t partition_digits = 10; // INT32_MAX has 10 digits
constexpr std::size_t sequence_bytes = 8;
constexpr std::size_t max_agent_bytes = 256;
// Encoded snapshots must stay below FlatBuffers' 2 GiB limit, with room for the metadata.
constexpr std::size_t max_state_bytes = (std::size_t{1} << 31) - (std::size_t{1} << 20);

error make_error(errc code, std::string message) {
  return error{"storage", static_cast<int>(code), std::move(message)};
}

error io_error(const std::string& what, const rocksdb::Status& st) {
  return make_error(errc::io, what + ": " + st.ToString());
}

result<void> check_agent(const std::string& agent) {
  if (agent.empty()) return make_error(errc::invalid, "agent name is empty");
  if (agent.size() > max_agent_bytes)
    return make_error(errc::invalid,
                      "agent name is longer than " + std::to_string(max_agent_bytes) + " bytes");
  if (agent.find('/') != std::string::npos || agent.find('\0') != std::string::npos)
    return make_error(errc::invalid, "agent name '" + agent + "' contains '/' or NUL");
  return {};
}

result<void> check_group(const std::string& agent, std::int32_t partition) {
  if (auto r = check_agent(agent); !r) return r;
  if (partition < 0)
    return make_error(errc::invalid, "partition " + std::to_string(partition) + " is negative");
  return {};
}

std::string agent_prefix(const std::string& agent) {
  std::string k(snap_root);
  k += agent;
  k += '/';
  return k;
}

std::string group_prefix(const std::string& agent, std::int32_t partition) {
  std::string digits = std::to_string(partition);
  std::string k = agent_prefix(agent);
  k.append(partition_digits - digits.size(), '0');
  k += digits;
  k += '/';
  return k;
}

std::string snapshot_key(const std::string& agent, std::int32_t partition, std::uint64_t seq) {
  std::string k = group_prefix(agent, partition);
  const std::uint64_t inv = ~seq;
  for (int shift = 56; shift >= 0; shift -= 8)
    k += static_cast<char>((inv >> shift) & 0xffu);
  return k;
}

// Every prefix above ends in '/'; the next byte value bounds all keys that start with it.
std::string upper_bound_of(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

std::string partition_digits_of(std::int32_t partition) {
  std::string digits = std::to_string(partition);
  return std::string(partition_digits - digits.size(), '0') + digits;
}

std::string tables_prefix(const std::string& agent, std::int32_t partition) {
  return std::string(table_root) + agent + '/' + partition_digits_of(partition) + '/';
}

std::string table_prefix(const std::string& agent, std::int32_t partition, std::string_view table) {
  std::string k = tables_prefix(agent, partition);
  k += table;
  k += '\0';
  return k;
}

std::string tables_at_key(const std::string& agent, std::int32_t partition) {
  return std::string(tables_at_root) + agent + '/' + partition_digits_of(partition);
}

std::string big_endian(std::uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8)
    out += static_cast<char>((v >> shift) & 0xffu);
  return out;
}

std::string table_aad(const std::string& agent, std::int32_t partition, std::string_view table,
                      std::string_view key) {
  std::string aad = "aetherial.table/" + agent + '/' + std::to_string(partition) + '/';
  aad += table;
  aad += '\0';
  aad += key;
  return aad;
}

struct key_parts {
  std::string agent;
  std::int32_t partition = 0;
  std::uint64_t sequence = 0;
};

std::optional<key_parts> parse_key(std::string_view k) {
  constexpr std::size_t tail = 1 + partition_digits + 1 + sequence_bytes;
  if (k.size() < snap_root.size() + 1 + tail || k.substr(0, snap_root.size()) != snap_root)
    return std::nullopt;
  const std::size_t agent_end = k.size() - tail;
  key_parts p;
  p.agent = std::string(k.substr(snap_root.size(), agent_end - snap_root.size()));
  if (p.agent.find('/') != std::string::npos || k[agent_end] != '/' ||
      k[agent_end + 1 + partition_digits] != '/')
    return std::nullopt;
  std::int64_t partition = 0;
  for (std::size_t i = agent_end + 1; i < agent_end + 1 + partition_digits; ++i) {
    if (k[i] < '0' || k[i] > '9') return std::nullopt;
    partition = partition * 10 + (k[i] - '0');
  }
  if (partition > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  p.partition = static_cast<std::int32_t>(partition);
  std::uint64_t inv = 0;
  for (std::size_t i = k.size() - sequence_bytes; i < k.size(); ++i)
    inv = (inv << 8) | static_cast<std::uint8_t>(k[i]);
  p.sequence = ~inv;
  return p;
}

rocksdb::Slice as_slice(std::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

std::string_view as_view(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

// Decodes a stored value and checks it is filed under the (agent, partition) of its key: a
// record under another group's key is as untrustworthy as one with a bad checksum.
result<snapshot> decode_stored(const key_parts& key, const rocksdb::Slice& value,
                               const state_cipher* cipher) {
  auto s =
      decode_snapshot(reinterpret_cast<const std::uint8_t*>(value.data()), value.size(), cipher);
  if (!s) return s;
  if (s->agent != key.agent || s->partition != key.partition)
    return make_error(errc::corrupt, "snapshot names agent '" + s->agent + "' partition " +
                                         std::to_string(s->partition) +
                                         " but is stored under agent '" + key.agent +
                                         "' partition " + std::to_string(key.partition));
  return s;
}

rocksdb::CompressionType preferred_compression() {
  // LZ4 decompresses fastest; otherwise Snappy; a RocksDB built without either stores raw.
  const auto supported = rocksdb::GetSupportedCompressions();
  for (auto c : {rocksdb::kLZ4Compression, rocksdb::kSnappyCompression})
    if (std::find(supported.begin(), supported.end(), c) != supported.end()) return c;
  return rocksdb::kNoCompression;
}

/// Sequences present for one (agent, partition): live snapshots are [oldest, newest].
struct group_state {
  std::uint64_t newest = 0; ///< 0 = none written yet
  std::uint64_t oldest = 1;
  /// The newest snapshot's state (version, size, CRC-32C) when this process wrote it: a
  /// snapshot of the same state replaces it rather than pushing out an older, distinct one.
  std::optional<std::tuple<std::uint32_t, std::size_t, std::uint32_t>> newest_state;
};

using group_id = std::pair<std::string, std::int32_t>;

} // namespace

/// The RocksDB handle and the per-group sequence counters; owned by its snapshot_store.
struct snapshot_store::impl {
  std::string path_;
  store_options opts_;
  std::unique_ptr<rocksdb::DB> db_;
  std::mutex write_mutex_;                 // serialises sequence assignment and trimming
  std::map<group_id, group_state> groups_; // guarded by write_mutex_
  mutable std::mutex fault_mutex_;
  std::optional<std::string> fault_; // guarded by fault_mutex_

  /// Passes `r` on, remembering an I/O failure as the store's fault.
  result<void> noted(result<void> r) {
    if (!r && r.error_value().code == static_cast<int>(errc::io)) {
      std::lock_guard<std::mutex> lock(fault_mutex_);
      fault_ = r.error_value().message;
    }
    return r;
  }

  ~impl() {
    if (db_) db_->Close().PermitUncheckedError(); // nothing to report to from a destructor
  }

  result<void> recover_groups() {
    const std::string lower(snap_root);
    const std::string upper = upper_bound_of(lower);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
    for (it->Seek(lower); it->Valid(); it->Next()) {
      const auto key = parse_key(as_view(it->key()));
      if (!key) continue; // not written by this store; left untouched
      auto [pos, fresh] = groups_.try_emplace(group_id{key->agent, key->partition});
      auto& g = pos->second;
      if (fresh) {
        g.newest = key->sequence;
        g.oldest = key->sequence;
      } else {
        g.newest = std::max(g.newest, key->sequence);
        g.oldest = std::min(g.oldest, key->sequence);
      }
    }
    if (!it->status().ok()) return io_error("cannot scan snapshot store at " + path_, it->status());
    return {};
  }

  result<void> check_format() {
    std::string value;
    const auto st = db_->Get(rocksdb::ReadOptions(), as_slice(format_key), &value);
    if (st.IsNotFound()) {
      rocksdb::WriteOptions wo;
      wo.sync = true;
      const auto put = db_->Put(wo, as_slice(format_key), as_slice(format_version));
      if (!put.ok()) return io_error("cannot initialise snapshot store at " + path_, put);
      return {};
    }
    if (!st.ok()) return io_error("cannot read format of snapshot store at " + path_, st);
    if (value != format_version)
      return make_error(errc::invalid, "snapshot store at " + path_ + " has key layout version '" +
                                           value + "'; this build reads version '" +
                                           std::string(format_version) + "'");
    return {};
  }

  /// Writes `bytes` as the group's newest snapshot; `state` (version, size, CRC-32C) when
  /// known, so that an unchanged state overwrites the newest snapshot instead of adding one.
  result<void> write(const std::string& agent, std::int32_t partition,
                     const std::vector<std::uint8_t>& bytes,
                     std::optional<std::tuple<std::uint32_t, std::size_t, std::uint32_t>> state,
                     const std::function<rocksdb::Status(rocksdb::WriteBatch&)>& more = {}) {
    const rocksdb::Slice value(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    std::lock_guard<std::mutex> lock(write_mutex_);
    auto& g = groups_[group_id{agent, partition}];
    const bool same_state = state && g.newest > 0 && g.newest_state == state;
    const std::uint64_t seq = same_state ? g.newest : g.newest + 1;
    const std::uint64_t keep = opts_.keep_last;
    rocksdb::WriteBatch batch;
    auto st = batch.Put(snapshot_key(agent, partition, seq), value);
    // Live sequences are contiguous, so the ones to drop are exactly [oldest, seq - keep].
    std::uint64_t new_oldest = g.oldest;
    if (st.ok() && seq > keep) {
      for (; new_oldest <= seq - keep && st.ok(); ++new_oldest)
        st = batch.Delete(snapshot_key(agent, partition, new_oldest));
    }
    if (st.ok() && more) st = more(batch);
    if (st.ok()) {
      rocksdb::WriteOptions wo;
      wo.sync = opts_.sync_writes;
      st = db_->Write(wo, &batch);
    }
    if (!st.ok())
      return io_error("cannot write snapshot of agent '" + agent + "' partition " +
                          std::to_string(partition),
                      st);
    g.newest = seq;
    g.oldest = new_oldest;
    g.newest_state = state;
    return {};
  }
};

snapshot_store::snapshot_store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

snapshot_store::~snapshot_store() = default;

result<std::unique_ptr<snapshot_store>> snapshot_store::open(const std::string& path,
                                                             store_options opts) {
  if (path.empty()) return make_error(errc::invalid, "snapshot store path is empty");
  if (opts.keep_last == 0) return make_error(errc::invalid, "keep_last must be at least 1");

  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec)
    return make_error(errc::io,
                      "cannot create snapshot store directory " + path + ": " + ec.message());

  rocksdb::Options o;
  o.create_if_missing = true;                    // default false
  o.compression = preferred_compression();       // default Snappy when built in
  o.keep_log_file_num = 4;                       // default 1000 info LOG files
  o.max_manifest_file_size = 64 << 20;           // default 1 GiB
  o.write_buffer_size = 16 << 20;                // default 64 MiB; snapshots are few and large
  o.level_compaction_dynamic_level_bytes = true; // default false; smaller space amplification
  // Default true: files grow into preallocated space, so a full disk would go unnoticed until
  // a preallocation runs out. Without it the first write that finds no space fails, and the
  // runtime pauses at once (the write volume is a few snapshots a second at most).
  o.allow_fallocate = false;
  // Table rows are read one key at a time, at random: a block cache large enough for the hot
  // rows of a big table (default 8 MiB) and Bloom filters, so a key that is not there costs no
  // file read (default none).
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(256 << 20);
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));

  rocksdb::DB* raw = nullptr;
  const auto st = rocksdb::DB::Open(o, path, &raw);
  if (!st.ok()) {
    const std::string text = st.ToString();
    if (st.IsIOError() && text.find("lock") != std::string::npos)
      return make_error(errc::io, "cannot open snapshot store at " + path +
                                      ": it is locked by another process (or by another open "
                                      "store in this process); one writer at a time (" +
                                      text + ")");
    return make_error(errc::io, "cannot open snapshot store at " + path + ": " + text);
  }

  auto p = std::make_unique<impl>();
  p->path_ = path;
  p->opts_ = opts;
  p->db_.reset(raw);
  if (auto r = p->check_format(); !r) return r.error_value();
  if (auto r = p->recover_groups(); !r) return r.error_value();
  return std::unique_ptr<snapshot_store>(new snapshot_store(std::move(p)));
}

result<void> snapshot_store::put(const snapshot& s) {
  if (auto r = check_group(s.agent, s.partition); !r) return r;
  if (s.state.size() > max_state_bytes)
    return make_error(errc::invalid, "snapshot state of " + std::to_string(s.state.size()) +
                                         " bytes exceeds the limit of " +
                                         std::to_string(max_state_bytes) + " bytes");
  auto encoded = encode_snapshot(s, impl_->opts_.cipher.get());
  if (!encoded) return encoded.error_value();
  return impl_->noted(impl_->write(
      s.agent, s.partition, std::move(encoded.value()),
      std::make_tuple(s.state_version, s.state.size(), crc32c(s.state.data(), s.state.size()))));
}

const state_cipher* snapshot_store::cipher() const {
  return impl_->opts_.cipher.get();
}

std::optional<std::string> snapshot_store::fault() const {
  std::lock_guard<std::mutex> lock(impl_->fault_mutex_);
  return impl_->fault_;
}

result<void> snapshot_store::probe() {
  auto& db = *impl_->db_;
  // After a failed write RocksDB refuses every write until resumed (a no-op without one).
  auto st = db.Resume();
  if (!st.ok())
    return impl_->noted(io_error("snapshot store at " + impl_->path_ + " cannot resume", st));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  const std::string key = std::string(marker_root) + "~probe";
  st = db.Put(wo, key, std::string(4096, 'p'));
  if (st.ok()) st = db.Delete(wo, key);
  if (!st.ok())
    return impl_->noted(io_error("snapshot store at " + impl_->path_ + " refuses writes", st));
  std::lock_guard<std::mutex> lock(impl_->fault_mutex_);
  impl_->fault_.reset();
  return {};
}

namespace {
std::string marker_key(const std::string& agent, std::int32_t partition) {
  return std::string(marker_root) + agent + "/" + std::to_string(partition);
}
} // namespace

result<void> snapshot_store::put_marker(const std::string& agent, std::int32_t partition,
                                        const std::vector<std::uint8_t>& value) {
  if (auto r = check_group(agent, partition); !r) return r;
  rocksdb::WriteOptions wo; // in the WAL (the OS has it once written): survives the process
  const auto st =
      impl_->db_->Put(wo, marker_key(agent, partition),
                      rocksdb::Slice(reinterpret_cast<const char*>(value.data()), value.size()));
  if (!st.ok())
    return impl_->noted(io_error("cannot write the marker of agent '" + agent + "' partition " +
                                     std::to_string(partition),
                                 st));
  return {};
}

result<std::optional<std::vector<std::uint8_t>>>
snapshot_store::get_marker(const std::string& agent, std::int32_t partition) const {
  if (auto r = check_group(agent, partition); !r) return r.error_value();
  std::string value;
  const auto st = impl_->db_->Get(rocksdb::ReadOptions(), marker_key(agent, partition), &value);
  if (st.IsNotFound()) return std::optional<std::vector<std::uint8_t>>();
  if (!st.ok())
    return io_error("cannot read the marker of agent '" + agent + "' partition " +
                        std::to_string(partition),
                    st);
  return std::optional<std::vector<std::uint8_t>>(
      std::vector<std::uint8_t>(value.begin(), value.end()));
}

result<void> snapshot_store::put_raw(const std::string& agent, std::int32_t partition,
                                     const std::vector<std::uint8_t>& bytes) {
  if (auto r = check_group(agent, partition); !r) return r;
  return impl_->noted(impl_->write(agent, partition, bytes, std::nullopt));
}

result<std::optional<snapshot>>
snapshot_store::latest_valid(const std::string& agent, std::int32_t partition,
                             const std::function<bool(const snapshot&)>& accept,
                             std::size_t* skipped_corrupt) const {
  if (skipped_corrupt != nullptr) *skipped_corrupt = 0;
  if (auto r = check_group(agent, partition); !r) return r.error_value();

  const std::string prefix = group_prefix(agent, partition);
  const std::string upper = upper_bound_of(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db_->NewIterator(ro));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const auto key = parse_key(as_view(it->key()));
    if (!key) continue;
    auto s = decode_stored(*key, it->value(), impl_->opts_.cipher.get());
    if (!s) {
      if (skipped_corrupt != nullptr) ++*skipped_corrupt;
      continue;
    }
    if (accept && !accept(s.value())) continue;
    return std::optional<snapshot>(std::move(s).value());
  }
  if (!it->status().ok())
    return io_error("cannot read snapshots of agent '" + agent + "' partition " +
                        std::to_string(partition) + " at " + impl_->path_,
                    it->status());
  return std::optional<snapshot>();
}

result<std::vector<snapshot_info>> snapshot_store::list(const std::string& agent) const {
  if (!agent.empty()) {
    if (auto r = check_agent(agent); !r) return r.error_value();
  }
  const std::string prefix = agent.empty() ? std::string(snap_root) : agent_prefix(agent);
  const std::string upper = upper_bound_of(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  ro.fill_cache = false; // a full scan for the CLI should not evict the hot blocks
  std::unique_ptr<rocksdb::Iterator> it(impl_->db_->NewIterator(ro));
  std::vector<snapshot_info> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    auto key = parse_key(as_view(it->key()));
    if (!key) continue;
    snapshot_info info;
    info.size_bytes = it->value().size();
    info.sequence = key->sequence;
    auto s = decode_stored(*key, it->value(), impl_->opts_.cipher.get());
    if (s) {
      info.valid = true;
      info.meta = std::move(s).value();
    } else {
      info.problem = s.error_value().message;
    }
    info.agent = std::move(key->agent);
    info.partition = key->partition;
    out.push_back(std::move(info));
  }
  if (!it->status().ok())
    return io_error("cannot list snapshot store at " + impl_->path_, it->status());
  return out;
}

} // namespace aetherial::storage

namespace aetherial::storage {

namespace {

result<void> check_table_key(std::string_view table, std::string_view key) {
  if (table.empty() || table.size() > max_table_name_bytes ||
      table.find('\0') != std::string_view::npos)
    return make_error(errc::invalid, "table name '" + std::string(table.substr(0, 64)) +
                                         "' is not 1 to 256 bytes without NUL");
  if (key.size() > max_table_key_bytes)
    return make_error(errc::invalid, "table key of " + std::to_string(key.size()) +
                                         " bytes exceeds " + std::to_string(max_table_key_bytes));
  return {};
}

} // namespace

result<std::vector<encoded_row>> encode_rows(const state_cipher* cipher, const std::string& agent,
                                             std::int32_t partition,
                                             const std::vector<table_change>& changes) {
  std::vector<encoded_row> rows;
  rows.reserve(changes.size());
  for (const auto& c : changes) {
    if (auto r = check_table_key(c.table, c.key); !r) return r.error_value();
    encoded_row row{c.table, c.key, std::nullopt};
    if (c.value) {
      std::string value;
      if (cipher == nullptr) {
        value.reserve(1 + c.value->size());
        value += '\0';
        value.append(reinterpret_cast<const char*>(c.value->data()), c.value->size());
      } else {
        auto sealed = cipher->seal(c.value->data(), c.value->size(),
                                   table_aad(agent, partition, c.table, c.key));
        if (!sealed) return sealed.error_value();
        const auto& v = sealed.value();
        value += '\1';
        value += static_cast<char>(v.key_id.size());
        value += v.key_id;
        value.append(reinterpret_cast<const char*>(v.nonce.data()), v.nonce.size());
        value.append(reinterpret_cast<const char*>(v.data.data()), v.data.size());
      }
      row.stored = std::move(value);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

result<void> snapshot_store::put(const snapshot& s, const std::vector<table_change>& changes) {
  if (auto r = check_group(s.agent, s.partition); !r) return r;
  // The values first, sealed when there is a cipher: the batch only copies them.
  auto rows = encode_rows(impl_->opts_.cipher.get(), s.agent, s.partition, changes);
  if (!rows) return rows.error_value();
  return put(s, rows.value());
}

result<void> snapshot_store::put(const snapshot& s, const std::vector<encoded_row>& rows) {
  if (auto r = check_group(s.agent, s.partition); !r) return r;
  if (s.state.size() > max_state_bytes)
    return make_error(errc::invalid, "snapshot state of " + std::to_string(s.state.size()) +
                                         " bytes exceeds the limit of " +
                                         std::to_string(max_state_bytes) + " bytes");
  for (const auto& row : rows)
    if (auto r = check_table_key(row.table, row.key); !r) return r;
  auto encoded = encode_snapshot(s, impl_->opts_.cipher.get());
  if (!encoded) return encoded.error_value();
  const std::string at = big_endian(s.journal_seq);
  return impl_->noted(impl_->write(
      s.agent, s.partition, std::move(encoded.value()),
      std::make_tuple(s.state_version, s.state.size(), crc32c(s.state.data(), s.state.size())),
      [&](rocksdb::WriteBatch& batch) {
        for (const auto& row : rows) {
          const std::string key = table_prefix(s.agent, s.partition, row.table) + row.key;
          const auto st = row.stored ? batch.Put(key, *row.stored) : batch.Delete(key);
          if (!st.ok()) return st;
        }
        return batch.Put(tables_at_key(s.agent, s.partition), at);
      }));
}

result<void> snapshot_store::load_rows(const std::string& agent, std::int32_t partition,
                                       const std::vector<row_view>& rows) {
  if (auto r = check_group(agent, partition); !r) return r;
  rocksdb::WriteBatch batch;
  auto st = batch.Delete(tables_at_key(agent, partition));
  const std::string prefix = tables_prefix(agent, partition);
  std::string key;
  for (const auto& row : rows) {
    if (auto r = check_table_key(row.table, row.key); !r) return r;
    if (!st.ok()) break;
    key.assign(prefix);
    key += row.table;
    key += '\0';
    key += row.key;
    st = row.stored ? batch.Put(key, rocksdb::Slice(row.stored->data(), row.stored->size()))
                    : batch.Delete(key);
  }
  // A bulk restore: the log would write every row twice; the restore flushes instead.
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  if (st.ok()) st = impl_->db_->Write(wo, &batch);
  if (!st.ok())
    return impl_->noted(io_error("cannot write table rows of agent '" + agent + "' partition " +
                                     std::to_string(partition),
                                 st));
  return {};
}

result<std::optional<std::uint64_t>> snapshot_store::tables_at(const std::string& agent,
                                                               std::int32_t partition) const {
  if (auto r = check_group(agent, partition); !r) return r.error_value();
  std::string value;
  const auto st = impl_->db_->Get(rocksdb::ReadOptions(), tables_at_key(agent, partition), &value);
  if (st.IsNotFound()) return std::optional<std::uint64_t>();
  if (!st.ok())
    return io_error("cannot read the table position of agent '" + agent + "' partition " +
                        std::to_string(partition),
                    st);
  if (value.size() != 8)
    return make_error(errc::corrupt, "the table position of agent '" + agent + "' partition " +
                                         std::to_string(partition) + " is not 8 bytes");
  std::uint64_t seq = 0;
  for (const char c : value)
    seq = (seq << 8) | static_cast<std::uint8_t>(c);
  return std::optional<std::uint64_t>(seq);
}

namespace {

result<std::vector<std::uint8_t>> decode_row(const state_cipher* cipher, const std::string& agent,
                                             std::int32_t partition, std::string_view table,
                                             std::string_view key, std::string_view stored) {
  const auto where = [&] {
    return "table '" + std::string(table) + "' of agent '" + agent + "' partition " +
           std::to_string(partition) + ": ";
  };
  if (stored.empty()) return make_error(errc::corrupt, where() + "empty stored value");
  const auto* p = reinterpret_cast<const std::uint8_t*>(stored.data());
  if (p[0] == 0) return std::vector<std::uint8_t>(p + 1, p + stored.size());
  if (p[0] != 1 || stored.size() < 2)
    return make_error(errc::corrupt, where() + "unknown value format");
  const std::size_t id_size = p[1];
  const std::size_t head = 2 + id_size + state_cipher::nonce_bytes;
  if (stored.size() < head + state_cipher::tag_bytes)
    return make_error(errc::corrupt, where() + "sealed value is truncated");
  if (cipher == nullptr)
    return make_error(errc::corrupt, where() + "values are sealed and no snapshot key file is "
                                               "configured (--snapshot-key-file)");
  auto opened =
      cipher->open(stored.substr(2, id_size), p + 2 + id_size, state_cipher::nonce_bytes, p + head,
                   stored.size() - head, table_aad(agent, partition, table, key));
  if (!opened) return make_error(errc::corrupt, where() + opened.error_value().message);
  return opened;
}

} // namespace

result<std::optional<std::vector<std::uint8_t>>>
snapshot_store::table_get(const std::string& agent, std::int32_t partition, std::string_view table,
                          std::string_view key) const {
  if (auto r = check_group(agent, partition); !r) return r.error_value();
  if (auto r = check_table_key(table, key); !r) return r.error_value();
  std::string stored;
  const auto st = impl_->db_->Get(
      rocksdb::ReadOptions(), table_prefix(agent, partition, table) + std::string(key), &stored);
  if (st.IsNotFound()) return std::optional<std::vector<std::uint8_t>>();
  if (!st.ok())
    return io_error("cannot read table '" + std::string(table) + "' of agent '" + agent + "'", st);
  auto v = decode_row(impl_->opts_.cipher.get(), agent, partition, table, key, stored);
  if (!v) return v.error_value();
  return std::optional<std::vector<std::uint8_t>>(std::move(v.value()));
}

result<void> snapshot_store::table_scan(
    const std::string& agent, std::int32_t partition, std::string_view table, std::string_view from,
    std::string_view to,
    const std::function<bool(std::string_view, const std::vector<std::uint8_t>&)>& visit) const {
  if (auto r = check_group(agent, partition); !r) return r;
  if (auto r = check_table_key(table, from); !r) return r;
  const std::string prefix = table_prefix(agent, partition, table);
  const std::string upper = to.empty() ? upper_bound_of(prefix) : prefix + std::string(to);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db_->NewIterator(ro));
  for (it->Seek(prefix + std::string(from)); it->Valid(); it->Next()) {
    const auto k = as_view(it->key()).substr(prefix.size());
    auto v =
        decode_row(impl_->opts_.cipher.get(), agent, partition, table, k, as_view(it->value()));
    if (!v) return v.error_value();
    if (!visit(k, v.value())) break;
  }
  if (!it->status().ok())
    return io_error("cannot scan table '" + std::string(table) + "' of agent '" + agent + "'",
                    it->status());
  return {};
}

result<void> snapshot_store::flush() {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  const auto st = impl_->db_->Flush(fo);
  if (!st.ok()) return impl_->noted(io_error("cannot flush snapshot store at " + impl_->path_, st));
  return {};
}

result<void> snapshot_store::clear_tables(const std::string& agent, std::int32_t partition) {
  if (auto r = check_group(agent, partition); !r) return r;
  const std::string lower = tables_prefix(agent, partition);
  rocksdb::WriteBatch batch;
  auto st = batch.DeleteRange(lower, upper_bound_of(lower));
  if (st.ok()) st = batch.Delete(tables_at_key(agent, partition));
  if (st.ok()) st = impl_->db_->Write(rocksdb::WriteOptions(), &batch);
  if (!st.ok())
    return impl_->noted(io_error("cannot clear the tables of agent '" + agent + "' partition " +
                                     std::to_string(partition),
                                 st));
  return {};
}

} // namespace aetherial::storage
