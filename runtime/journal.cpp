#include "runtime/journal.hpp"

#include <deque>

#include "schemas/snapshot_generated.h"

namespace aetherial::runtime {
namespace fbs = ::aetherial::schema;

namespace {
error journal_error(std::string message) {
  return error{"runtime", 1, std::move(message)};
}
constexpr topics::ms io_timeout{10000};
constexpr std::chrono::seconds idle_limit{30};
} // namespace

result<std::size_t> read_topic(const topics::kafka_config& cfg, const std::string& topic,
                               const std::function<void(topics::record&)>& each,
                               const std::function<void(std::size_t)>& progress) {
  auto rd = topics::reader::create(cfg, /*read_committed=*/true);
  if (!rd) return rd.error_value();
  auto& r = *rd.value();
  auto parts = r.partition_count(topic, io_timeout);
  if (!parts) return parts.error_value();
  std::vector<topics::topic_partition> from;
  for (std::int32_t p = 0; p < parts.value(); ++p)
    from.push_back({topic, p, -2});
  if (auto a = r.assign(from); !a) return a.error_value();
  std::size_t seen = 0;
  std::size_t ended = 0;
  auto last_progress = std::chrono::steady_clock::now();
  while (!r.at_end()) {
    auto batch = r.poll(10000, topics::ms{200});
    const auto now = std::chrono::steady_clock::now();
    if (batch.empty()) {
      // Partitions reaching their end count as progress too.
      if (const auto n = r.partitions_at_end(); n > ended) {
        ended = n;
        last_progress = now;
      }
      if (now - last_progress > idle_limit) return journal_error("timed out reading " + topic);
      continue;
    }
    last_progress = now;
    for (auto& rec : batch) {
      ++seen;
      each(rec);
    }
    if (progress) progress(seen);
  }
  return seen;
}

void journal_append(std::vector<journal_segment>& segments, int topic_index, std::int64_t offset) {
  if (!segments.empty()) {
    auto& last = segments.back();
    if (last.topic_index == topic_index && last.first_offset + last.count == offset) {
      ++last.count;
      return;
    }
  }
  segments.push_back({topic_index, offset, 1});
}

std::vector<std::uint8_t> encode_journal(const journal_entry& e) {
  flatbuffers::FlatBufferBuilder b(256 + e.segments.size() * 24);
  std::vector<flatbuffers::Offset<fbs::TopicOffset>> begin;
  for (const auto& tp : e.begin)
    begin.push_back(fbs::CreateTopicOffsetDirect(b, tp.topic.c_str(), tp.partition, tp.offset));
  std::vector<flatbuffers::Offset<fbs::JournalSegment>> segs;
  segs.reserve(e.segments.size());
  for (const auto& s : e.segments)
    segs.push_back(fbs::CreateJournalSegment(b, s.topic_index, s.first_offset, s.count));
  auto root = fbs::CreateInputJournalDirect(b, e.agent.c_str(), e.partition, e.seq, &begin, &segs);
  b.Finish(root);
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

result<journal_entry> decode_journal(const std::uint8_t* data, std::size_t size) {
  flatbuffers::Verifier v(data, size);
  if (!v.VerifyBuffer<fbs::InputJournal>(nullptr))
    return journal_error("journal record failed verification");
  const auto* j = flatbuffers::GetRoot<fbs::InputJournal>(data);
  journal_entry e;
  e.agent = j->agent() ? j->agent()->str() : "";
  e.partition = j->partition();
  e.seq = j->seq();
  if (j->begin())
    for (const auto* tp : *j->begin())
      e.begin.push_back({tp->topic() ? tp->topic()->str() : "", tp->partition(), tp->offset()});
  if (j->segments())
    for (const auto* s : *j->segments())
      e.segments.push_back({s->topic_index(), s->first_offset(), s->count()});
  return e;
}

result<std::map<std::string, journal_index>>
read_journals(const topics::kafka_config& cfg, const std::string& journal_topic,
              const std::function<void(std::size_t)>& progress) {
  std::map<std::string, journal_index> all;
  auto read = read_topic(
      cfg, journal_topic,
      [&](topics::record& rec) {
        auto e = decode_journal(rec.value.data(), rec.value.size());
        if (!e) return;
        auto& entry = e.value();
        all[entry.agent][entry.partition][entry.seq] = std::move(entry);
      },
      progress);
  if (!read) return read.error_value();
  return all;
}

result<journal_index> read_journal(const topics::kafka_config& cfg,
                                   const std::string& journal_topic, const std::string& agent,
                                   const std::function<void(std::size_t)>& progress) {
  journal_index index;
  auto read = read_topic(
      cfg, journal_topic,
      [&](topics::record& rec) {
        auto e = decode_journal(rec.value.data(), rec.value.size());
        if (!e || e.value().agent != agent) return;
        auto& entry = e.value();
        index[entry.partition][entry.seq] = std::move(entry);
      },
      progress);
  if (!read) return read.error_value();
  return index;
}

result<std::optional<storage::snapshot>>
read_snapshot_topic(const topics::kafka_config& cfg, const std::string& snapshot_topic,
                    const std::string& agent, std::int32_t partition,
                    const std::function<bool(const storage::snapshot&)>& accept) {
  const std::string key = agent + "/" + std::to_string(partition);
  std::optional<storage::snapshot> best;
  auto read = read_topic(cfg, snapshot_topic, [&](topics::record& rec) {
    if (rec.key != key) return;
    auto s = storage::decode_snapshot(rec.value.data(), rec.value.size());
    if (!s || s.value().agent != agent || s.value().partition != partition) return;
    if (accept && !accept(s.value())) return;
    if (!best || s.value().journal_seq >= best->journal_seq) best = std::move(s.value());
  });
  if (!read) return read.error_value();
  return best;
}

result<input_batch> fetch_journaled_inputs(const topics::kafka_config& cfg,
                                           const std::vector<std::string>& input_topics,
                                           std::int32_t partition,
                                           const std::vector<const journal_entry*>& entries) {
  input_batch out;
  const auto n_topics = input_topics.size();
  std::vector<std::int64_t> start(n_topics, -1);
  std::size_t total = 0;
  for (const auto* e : entries)
    for (const auto& s : e->segments) {
      if (s.topic_index < 0 || static_cast<std::size_t>(s.topic_index) >= n_topics)
        return journal_error("journal names input topic index " + std::to_string(s.topic_index) +
                             ", the agent has " + std::to_string(n_topics));
      auto& st = start[static_cast<std::size_t>(s.topic_index)];
      if (st < 0 || s.first_offset < st) st = s.first_offset;
      total += static_cast<std::size_t>(s.count);
    }
  if (total == 0) return out;
  auto rd = topics::reader::create(cfg, /*read_committed=*/true);
  if (!rd) return rd.error_value();
  auto& r = *rd.value();
  std::vector<topics::topic_partition> from;
  std::vector<std::int64_t> high(n_topics, 0);
  std::map<std::string, int> index_of;
  for (std::size_t t = 0; t < n_topics; ++t) {
    if (start[t] < 0) continue;
    auto wm = r.watermarks(input_topics[t], partition, io_timeout);
    if (!wm) return wm.error_value();
    high[t] = wm.value().second;
    if (wm.value().first > start[t])
      return journal_error(input_topics[t] + "/" + std::to_string(partition) +
                           " no longer has offset " + std::to_string(start[t]) +
                           " (retention removed it)");
    from.push_back({input_topics[t], partition, start[t]});
    index_of[input_topics[t]] = static_cast<int>(t);
  }
  if (auto a = r.assign(from); !a) return a.error_value();

  std::vector<std::deque<topics::record>> buffered(n_topics);
  std::vector<std::int64_t> next(n_topics, 0);
  for (std::size_t t = 0; t < n_topics; ++t)
    next[t] = start[t];
  auto pull = [&](std::size_t t) -> result<topics::record> {
    int idle = 0;
    while (buffered[t].empty()) {
      if (next[t] >= high[t] || (r.at_end() && buffered[t].empty() && idle > 0))
        return journal_error(input_topics[t] + "/" + std::to_string(partition) +
                             " ends before the journal does");
      auto batch = r.poll(10000, topics::ms{1000});
      if (batch.empty() && ++idle > 30)
        return journal_error("timed out reading " + input_topics[t]);
      for (auto& rec : batch) {
        auto it = index_of.find(rec.topic);
        if (it == index_of.end() || rec.partition != partition) continue;
        const auto ti = static_cast<std::size_t>(it->second);
        next[ti] = rec.offset + 1;
        buffered[ti].push_back(std::move(rec));
      }
    }
    auto rec = std::move(buffered[t].front());
    buffered[t].pop_front();
    return rec;
  };
  out.reserve(total);
  for (const auto* e : entries)
    for (const auto& s : e->segments) {
      const auto t = static_cast<std::size_t>(s.topic_index);
      for (std::int32_t i = 0; i < s.count;) {
        auto rec = pull(t);
        if (!rec) return rec.error_value();
        if (rec.value().offset < s.first_offset) continue; // skipped (dead-lettered) record
        auto in = std::make_shared<input_record>();
        in->rec = std::move(rec.value());
        in->topic_index = s.topic_index;
        out.push_back(std::move(in));
        ++i;
      }
    }
  return out;
}

} // namespace aetherial::runtime
