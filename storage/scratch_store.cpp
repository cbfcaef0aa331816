#include "storage/scratch_store.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <utility>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "storage/snapshot.hpp"

namespace aetherial::storage {

namespace {

error scratch_error(const std::string& what) {
  return error{"storage", static_cast<int>(errc::io), what};
}

} // namespace

struct scratch_store::impl {
  std::string path;
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::WriteOptions write;
  rocksdb::ReadOptions read;
  /// Writes not yet in the database: a write costs far less in a batch, and reads write the
  /// batch first, so they see every write.
  rocksdb::WriteBatch pending;
  /// Guards `pending`; recursive, so that a scan's visitor may read.
  std::recursive_mutex mutex;

  result<void> flush() {
    if (pending.Count() == 0) return {};
    const auto st = db->Write(write, &pending);
    pending.Clear();
    if (!st.ok()) return scratch_error("scratch store write failed: " + st.ToString());
    return {};
  }
};

scratch_store::scratch_store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

scratch_store::~scratch_store() {
  if (!impl_) return;
  impl_->db.reset();
  std::error_code ec;
  std::filesystem::remove_all(impl_->path, ec);
}

result<std::unique_ptr<scratch_store>> scratch_store::create(const std::string& parent,
                                                             std::size_t memory_bytes) {
  std::error_code ec;
  const std::filesystem::path base =
      parent.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(parent);
  if (ec) return scratch_error("no temporary directory: " + ec.message());
  std::filesystem::create_directories(base, ec);
  if (ec) return scratch_error("cannot create " + base.string() + ": " + ec.message());
  std::string templ = (base / "aetherial-scratch-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr)
    return scratch_error("cannot create a scratch directory under " + base.string());

  auto p = std::make_unique<impl>();
  p->path = templ;
  p->write.disableWAL = true; // scratch: nothing survives the process anyway
  rocksdb::Options o;
  o.create_if_missing = true;
  o.keep_log_file_num = 1;
  o.compression = rocksdb::kNoCompression; // short-lived: CPU matters more than space
  // Half the memory for two memtables, half for the block cache (with Bloom filters, so a key
  // that is not there costs no read).
  o.write_buffer_size = std::max<std::size_t>(memory_bytes / 4, 1 << 20);
  o.max_write_buffer_number = 2;
  // A Bloom filter on the memtables too: most lookups are of keys that are not there.
  o.memtable_prefix_bloom_size_ratio = 0.05;
  o.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(std::max<std::size_t>(memory_bytes / 2, 1 << 20));
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::DB* raw = nullptr;
  const auto st = rocksdb::DB::Open(o, p->path, &raw);
  if (!st.ok()) {
    std::filesystem::remove_all(p->path, ec);
    return scratch_error("cannot open a scratch store at " + p->path + ": " + st.ToString());
  }
  p->db.reset(raw);
  return std::unique_ptr<scratch_store>(new scratch_store(std::move(p)));
}

result<void> scratch_store::put(std::string_view key, std::string_view value) {
  const std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  const auto st = impl_->pending.Put(rocksdb::Slice(key.data(), key.size()),
                                     rocksdb::Slice(value.data(), value.size()));
  if (!st.ok()) return scratch_error("scratch store write failed: " + st.ToString());
  if (impl_->pending.Count() >= 4096 || impl_->pending.GetDataSize() >= (1 << 20))
    return impl_->flush();
  return {};
}

result<std::optional<std::string>> scratch_store::get(std::string_view key) const {
  const std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  if (auto f = impl_->flush(); !f) return f.error_value();
  std::string value;
  const auto st = impl_->db->Get(impl_->read, rocksdb::Slice(key.data(), key.size()), &value);
  if (st.IsNotFound()) return std::optional<std::string>();
  if (!st.ok()) return scratch_error("scratch store read failed: " + st.ToString());
  return std::optional<std::string>(std::move(value));
}

result<void> scratch_store::scan(
    std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  const std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
  if (auto f = impl_->flush(); !f) return f;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(impl_->read));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    const auto k = it->key();
    const std::string_view key(k.data(), k.size());
    if (key.substr(0, prefix.size()) != prefix) break;
    const auto v = it->value();
    if (!visit(key, std::string_view(v.data(), v.size()))) break;
  }
  if (!it->status().ok())
    return scratch_error("scratch store scan failed: " + it->status().ToString());
  return {};
}

const std::string& scratch_store::path() const noexcept {
  return impl_->path;
}

} // namespace aetherial::storage
