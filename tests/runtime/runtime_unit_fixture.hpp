#pragma once
// Plain values for the runtime's unit tests: input records, snapshots, a recording sink and
// checkpoint_io. No broker, no actor system.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/checkpoint.hpp"
#include "runtime/errc.hpp"
#include "runtime/sink.hpp"
#include "schemas/envelope.hpp"

namespace aetherial::runtime::test {

/// A ServiceLoad envelope keyed `key`, with an id derived from `n`.
inline std::vector<std::uint8_t> load_event(std::uint64_t n, const std::string& key) {
  flatbuffers::FlatBufferBuilder b;
  auto load = schemas::fbs::CreateServiceLoadDirect(b, key.c_str(), 2, 100.0, 0.5, 50.0, 0.001);
  schemas::envelope_header h;
  h.id = {0xfeedULL, n};
  h.key = key;
  h.event_time_ms = 1'767'225'600'000 + static_cast<std::int64_t>(n) * 1000;
  h.principal = "svc:test";
  return schemas::finish_envelope(b, h, schemas::fbs::Payload::ServiceLoad, load.Union());
}

/// A consumed record of `topic`/`partition` at `offset`.
inline topics::record make_record(const std::string& topic, std::int32_t partition,
                                  std::int64_t offset, const std::string& key = "web") {
  topics::record r;
  r.topic = topic;
  r.partition = partition;
  r.offset = offset;
  r.timestamp_ms = 1'767'225'600'000 + offset;
  r.key = key;
  r.value = load_event(static_cast<std::uint64_t>(offset), key);
  return r;
}

/// A snapshot of `agent`/`partition` at the given next offsets (one per topic).
inline storage::snapshot make_snapshot(const std::string& agent, std::int32_t partition,
                                       const std::vector<std::string>& topics,
                                       const std::vector<std::int64_t>& offsets,
                                       std::uint32_t version = 1, std::uint64_t journal_seq = 0) {
  storage::snapshot s;
  s.agent = agent;
  s.partition = partition;
  s.state_version = version;
  for (std::size_t t = 0; t < topics.size(); ++t)
    s.offsets.push_back({topics[t], partition, offsets[t]});
  s.journal_seq = journal_seq;
  s.state = {1, 2, 3};
  return s;
}

/// A record_sink that keeps what it is given.
class recording_sink final : public record_sink {
public:
  struct sent {
    std::string topic;
    std::string key;
    std::vector<std::uint8_t> value;
    std::string reason; ///< dead letters only
  };
  result<void> send(std::string_view topic, std::string_view key, const std::uint8_t* data,
                    std::size_t size) override {
    records.push_back({std::string(topic), std::string(key), {data, data + size}, {}});
    return {};
  }
  result<void> dead_letter(std::string_view dlq_topic, const topics::record& source,
                           const topics::dead_letter_info& info) override {
    const auto copy = topics::dead_letter_record(source, info);
    records.push_back({std::string(dlq_topic), copy.key, copy.value, std::string(info.reason)});
    return {};
  }
  [[nodiscard]] std::size_t count(const std::string& topic) const {
    std::size_t n = 0;
    for (const auto& r : records)
      n += r.topic == topic ? 1 : 0;
    return n;
  }
  std::vector<sent> records;
};

/// A checkpoint_io that logs every call and fails the calls named in `fail`.
class recording_io final : public checkpoint_io {
public:
  std::vector<std::string> calls;
  std::vector<std::string> fail; ///< call names that return an error
  std::vector<storage::snapshot> stored;
  std::vector<std::vector<storage::encoded_row>> stored_changes;
  std::vector<std::vector<storage::encoded_row>> changelog; ///< per write_changelog call
  std::vector<topics::topic_partition> committed;

  result<void> write_changelog(const std::string& agent, std::int32_t partition, std::uint64_t seq,
                               const std::vector<storage::encoded_row>& rows) override {
    changelog.push_back(rows);
    return call("changelog:" + agent + "/" + std::to_string(partition) + "@" + std::to_string(seq),
                "changelog");
  }
  result<void> write_journal(const std::string& key, const std::vector<std::uint8_t>&) override {
    return call("journal:" + key, "journal");
  }
  result<void> write_snapshot(const std::string& key, const std::vector<std::uint8_t>&) override {
    return call("snapshot:" + key, "snapshot");
  }
  result<void> flush() override { return call("flush", "flush"); }
  result<void> commit_offsets(const std::vector<topics::topic_partition>& o) override {
    committed.insert(committed.end(), o.begin(), o.end());
    return call("commit", "commit");
  }
  result<void> send_offsets_to_transaction(const std::vector<topics::topic_partition>& o) override {
    committed.insert(committed.end(), o.begin(), o.end());
    return call("offsets", "offsets");
  }
  result<void> commit_transaction() override { return call("commit_txn", "commit_txn"); }
  result<void> abort_transaction() override { return call("abort_txn", "abort_txn"); }
  result<void> begin_transaction() override { return call("begin_txn", "begin_txn"); }
  result<void> store_locally(const storage::snapshot& s,
                             const std::vector<storage::encoded_row>& changes) override {
    stored.push_back(s);
    stored_changes.push_back(changes);
    return call("store", "store");
  }

private:
  result<void> call(const std::string& logged, const std::string& name) {
    calls.push_back(logged);
    for (const auto& f : fail)
      if (f == name) return error{"test", 1, name + " refused"};
    return {};
  }
};

} // namespace aetherial::runtime::test
