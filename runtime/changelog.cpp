#include "runtime/changelog.hpp"

#include <charconv>
#include <utility>
#include <vector>

#include "runtime/errc.hpp"
#include "runtime/recovery.hpp"
#include "storage/snapshot_store.hpp"

namespace aetherial::runtime {

namespace {

constexpr std::size_t restore_batch_rows = 10'000;
constexpr topics::ms io_timeout{10000};

} // namespace

std::string changelog_key(std::string_view agent, std::string_view table, std::string_view key) {
  std::string k;
  k.reserve(agent.size() + table.size() + key.size() + 2);
  k += agent;
  k += '\0';
  k += table;
  k += '\0';
  k += key;
  return k;
}

topics::header changelog_seq_header(std::uint64_t seq) {
  return {std::string(changelog_seq_name), std::to_string(seq)};
}

result<std::optional<changelog_row>> parse_changelog_record(const topics::record_view& r,
                                                            std::string_view agent) {
  const std::string_view key(r.key);
  if (key.size() <= agent.size() || key.substr(0, agent.size()) != agent ||
      key[agent.size()] != '\0')
    return std::optional<changelog_row>();
  const auto rest = key.substr(agent.size() + 1);
  const auto nul = rest.find('\0');
  if (nul == std::string_view::npos || nul == 0)
    return make_error(errc::changelog_corrupt, "a changelog record at offset " +
                                                   std::to_string(r.offset) +
                                                   " has no table in its key");
  changelog_row row;
  row.table = rest.substr(0, nul);
  row.key = rest.substr(nul + 1);
  const auto seq = r.header_value(changelog_seq_name);
  bool has_seq = false;
  if (seq && !seq->empty()) {
    const auto* end = seq->data() + seq->size();
    const auto parsed = std::from_chars(seq->data(), end, row.seq);
    has_seq = parsed.ec == std::errc() && parsed.ptr == end;
  }
  if (!has_seq)
    return make_error(errc::changelog_corrupt, "a changelog record at offset " +
                                                   std::to_string(r.offset) + " has no valid " +
                                                   std::string(changelog_seq_name) + " header");
  if (!r.null_value)
    row.stored = std::string_view(reinterpret_cast<const char*>(r.value.data()), r.value.size());
  return std::optional<changelog_row>(row);
}

result<changelog_restore> restore_from_changelog(const topics::kafka_config& cfg,
                                                 const std::string& changelog_topic,
                                                 storage::snapshot_store& store,
                                                 const storage::snapshot& s) {
  changelog_restore out;
  // One client for the whole restore.
  auto reader = topics::reader::create(cfg, /*read_committed=*/true);
  if (!reader) return reader.error_value();
  // Compaction keeps every row's newest record and never moves the log start: a changelog
  // that no longer starts at 0 lost records to retention (or deletion), so rows may be missing.
  const auto head_kept = [&]() -> result<bool> {
    auto w = reader.value()->watermarks(changelog_topic, s.partition, io_timeout);
    if (!w) return w.error_value();
    const auto start = w.value().first;
    if (start == 0) return true;
    out.why_not = "the changelog no longer starts at offset 0 (it starts at " +
                  std::to_string(start) +
                  "): records were deleted, so rows may be missing (is the topic compacted "
                  "only?)";
    return false;
  };
  if (auto kept = head_kept(); !kept || !kept.value()) {
    if (!kept) return kept.error_value();
    return out;
  }
  if (auto r = store.clear_tables(s.agent, s.partition); !r) return r.error_value();
  // The rows are written as views into the records, which are held until their batch is.
  std::vector<topics::message> held;
  std::vector<storage::snapshot_store::row_view> rows;
  std::optional<error> failure;
  auto write = [&] {
    if (rows.empty() || failure || !out.why_not.empty()) return;
    if (auto r = store.load_rows(s.agent, s.partition, rows); !r) failure = r.error_value();
    rows.clear();
    held.clear();
  };
  auto read = read_partition_messages(
      *reader.value(), {{changelog_topic, s.partition, -2}},
      [&](std::vector<topics::message>& batch) {
        out.records += batch.size();
        if (failure || !out.why_not.empty()) return;
        const auto first = held.size();
        for (auto& m : batch)
          held.push_back(std::move(m));
        for (auto i = first; i < held.size(); ++i) {
          auto row = parse_changelog_record(held[i].view(), s.agent);
          if (!row) {
            out.why_not = row.error_value().message;
            return;
          }
          if (!row.value()) continue;
          const auto& x = *row.value();
          if (x.seq > s.journal_seq) {
            out.why_not = "the changelog holds a row of checkpoint " + std::to_string(x.seq) +
                          ", newer than the snapshot's " + std::to_string(s.journal_seq) +
                          " (a checkpoint whose snapshot record never landed): the rows at the "
                          "snapshot are gone";
            return;
          }
          rows.push_back({x.table, x.key, x.stored});
          ++out.rows;
        }
        if (rows.size() >= restore_batch_rows) write();
      });
  if (!read) failure = read.error_value();
  write();
  if (!failure && out.why_not.empty()) {
    if (auto kept = head_kept(); !kept) failure = kept.error_value();
  }
  // The rows bypassed the store's log: on disk before the snapshot makes them the tables.
  if (!failure && out.why_not.empty()) {
    if (auto r = store.flush(); !r) failure = r.error_value();
  }
  if (failure || !out.why_not.empty()) {
    // Rows of some later checkpoint, or a partial restore: none of them may stay.
    if (auto r = store.clear_tables(s.agent, s.partition); !r && !failure)
      failure = r.error_value();
    if (failure) return *failure;
    return out;
  }
  if (auto r = store.put(s, std::vector<storage::encoded_row>{}); !r) return r.error_value();
  out.restored = true;
  return out;
}

} // namespace aetherial::runtime
