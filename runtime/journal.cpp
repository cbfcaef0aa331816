#include "runtime/journal.hpp"

#include "runtime/errc.hpp"
#include "schemas/snapshot_generated.h"

namespace aetherial::runtime {
namespace fbs = ::aetherial::schema;

namespace {
error journal_error(std::string message) {
  return make_error(errc::journal_unreadable, std::move(message));
}
} // namespace

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

} // namespace aetherial::runtime
