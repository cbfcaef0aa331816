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

/// The first offset the partition still has (its log start offset).
result<std::int64_t> log_start(const topics::kafka_config& cfg, const std::string& topic,
                               std::int32_t partition) {
  auto rd = topics::reader::create(cfg, /*read_committed=*/true);
  if (!rd) return rd.error_value();
  auto w = rd.value()->watermarks(topic, partition, topics::ms{10000});
  if (!w) return w.error_value();
  return w.value().first;
}

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

result<std::optional<changelog_row>> parse_changelog_record(const topics::record& r,
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
  row.table = std::string(rest.substr(0, nul));
  row.key = std::string(rest.substr(nul + 1));
  bool has_seq = false;
  for (const auto& h : r.headers)
    if (h.key == changelog_seq_name) {
      const auto* end = h.value.data() + h.value.size();
      const auto parsed = std::from_chars(h.value.data(), end, row.seq);
      has_seq = parsed.ec == std::errc() && parsed.ptr == end && !h.value.empty();
    }
  if (!has_seq)
    return make_error(errc::changelog_corrupt, "a changelog record at offset " +
                                                   std::to_string(r.offset) + " has no valid " +
                                                   std::string(changelog_seq_name) + " header");
  if (!r.null_value) row.stored = std::string(r.value.begin(), r.value.end());
  return std::optional<changelog_row>(std::move(row));
}

result<changelog_restore> restore_from_changelog(const topics::kafka_config& cfg,
                                                 const std::string& changelog_topic,
                                                 storage::snapshot_store& store,
                                                 const storage::snapshot& s) {
  changelog_restore out;
  // Compaction keeps every row's newest record and never moves the log start: a changelog
  // that no longer starts at 0 lost records to retention (or deletion), so rows may be missing.
  const auto head_kept = [&]() -> result<bool> {
    auto start = log_start(cfg, changelog_topic, s.partition);
    if (!start) return start.error_value();
    if (start.value() == 0) return true;
    out.why_not = "the changelog no longer starts at offset 0 (it starts at " +
                  std::to_string(start.value()) +
                  "): records were deleted, so rows may be missing (is the topic compacted "
                  "only?)";
    return false;
  };
  if (auto kept = head_kept(); !kept || !kept.value()) {
    if (!kept) return kept.error_value();
    return out;
  }
  if (auto r = store.clear_tables(s.agent, s.partition); !r) return r.error_value();
  std::vector<storage::encoded_row> batch;
  std::optional<error> failure;
  auto flush = [&] {
    if (batch.empty() || failure) return;
    if (auto r = store.put_rows(s.agent, s.partition, batch); !r) failure = r.error_value();
    batch.clear();
  };
  auto read = read_partitions(cfg, {{changelog_topic, s.partition, -2}}, [&](topics::record& r) {
    ++out.records;
    if (failure || !out.why_not.empty()) return;
    auto row = parse_changelog_record(r, s.agent);
    if (!row) {
      out.why_not = row.error_value().message;
      return;
    }
    if (!row.value()) return;
    auto& x = *row.value();
    if (x.seq > s.journal_seq) {
      out.why_not = "the changelog holds a row of checkpoint " + std::to_string(x.seq) +
                    ", newer than the snapshot's " + std::to_string(s.journal_seq) +
                    " (a checkpoint whose snapshot record never landed): the rows at the "
                    "snapshot are gone";
      return;
    }
    batch.push_back({std::move(x.table), std::move(x.key), std::move(x.stored)});
    ++out.rows;
    if (batch.size() >= restore_batch_rows) flush();
  });
  if (!read) failure = read.error_value();
  flush();
  if (!failure && out.why_not.empty()) {
    if (auto kept = head_kept(); !kept) failure = kept.error_value();
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
