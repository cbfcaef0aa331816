#include "actors/kit/gather.hpp"

#include <algorithm>
#include <stdexcept>

#include "actors/kit/format.hpp"
#include "schemas/partitioner.hpp"
#include "schemas/state/gather_generated.h"

namespace aetherial::actors::kit {

namespace {

namespace stored = ::aetherial::state::gather;

std::string_view sv(const flatbuffers::String* s) {
  return s != nullptr ? std::string_view(s->c_str(), s->size()) : std::string_view();
}

// A pending question as its row holds it.
struct question {
  bytes task; // a finished Task FlatBuffer
  std::int32_t partitions = 1;
  std::vector<std::int32_t> answered;
  std::int64_t asked_ms = 0;
  std::int64_t deadline_ms = 0;
  std::string reply_key;
  std::string correlation;
};

bytes encode_question(const question& q) {
  flatbuffers::FlatBufferBuilder b;
  const auto task = b.CreateVector(q.task);
  const auto answered = b.CreateVector(q.answered);
  const auto reply_key = b.CreateString(q.reply_key);
  const auto correlation = b.CreateString(q.correlation);
  stored::GatherBuilder g(b);
  g.add_task(task);
  g.add_partitions(q.partitions);
  g.add_answered(answered);
  g.add_asked_ms(q.asked_ms);
  g.add_deadline_ms(q.deadline_ms);
  g.add_reply_key(reply_key);
  g.add_correlation(correlation);
  b.Finish(g.Finish());
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

const fbs::Task* task_of(const bytes& task) {
  flatbuffers::Verifier v(task.data(), task.size());
  if (!v.VerifyBuffer<fbs::Task>(nullptr)) return nullptr;
  return flatbuffers::GetRoot<fbs::Task>(task.data());
}

// Throws for a row the gatherer could not have written: the agent's tables are damaged.
question decode_question(const bytes& row) {
  flatbuffers::Verifier v(row.data(), row.size());
  if (!v.VerifyBuffer<stored::Gather>(nullptr))
    throw std::runtime_error("a row of table 'gathers' is not a Gather");
  const auto* g = flatbuffers::GetRoot<stored::Gather>(row.data());
  question q;
  if (g->task() != nullptr) q.task.assign(g->task()->begin(), g->task()->end());
  q.partitions = g->partitions();
  if (g->answered() != nullptr) q.answered.assign(g->answered()->begin(), g->answered()->end());
  q.asked_ms = g->asked_ms();
  q.deadline_ms = g->deadline_ms();
  q.reply_key = std::string(sv(g->reply_key()));
  q.correlation = std::string(sv(g->correlation()));
  if (q.partitions < 1 || task_of(q.task) == nullptr ||
      !std::is_sorted(q.answered.begin(), q.answered.end()))
    throw std::runtime_error("a row of table 'gathers' holds an impossible question");
  return q;
}

// "<id>", NUL, the partition as 4 big-endian bytes: parts sort by partition within a question.
std::string part_key(std::string_view id, std::int32_t partition) {
  std::string k(id);
  k += '\0';
  const auto p = static_cast<std::uint32_t>(partition);
  for (int shift = 24; shift >= 0; shift -= 8)
    k += static_cast<char>((p >> shift) & 0xffu);
  return k;
}

std::string partition_list(const std::vector<std::int32_t>& ps) {
  std::string out;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (i > 0) out += i + 1 == ps.size() ? " and " : ", ";
    out += integer(ps[i]);
  }
  return out;
}

std::string ids_text(const std::vector<std::int32_t>& ps) {
  std::string out;
  for (std::size_t i = 0; i < ps.size(); ++i)
    out += (i > 0 ? "," : "") + integer(ps[i]);
  return out;
}

} // namespace

std::string partition_key(std::int32_t partition, std::int32_t partitions) {
  const std::string base = "partition-" + integer(partition);
  if (partitions <= 1 || schemas::key_partition(base, partitions) == partition) return base;
  // murmur2 spreads keys evenly: a few tries per partition find one.
  for (std::int64_t j = 0;; ++j) {
    std::string k = base + "." + integer(j);
    if (schemas::key_partition(k, partitions) == partition) return k;
  }
}

std::string progress_note(const gather_progress& p) {
  if (p.complete()) return {};
  const auto answered = static_cast<std::int64_t>(p.answered.size());
  return "Partial answer: " + integer(answered) + " of " + integer(p.partitions) +
         " partitions answered within " + integer(p.timeout_ms / 1000) + " s; " +
         (p.missing.size() == 1 ? "partition " : "partitions ") + partition_list(p.missing) +
         " did not.";
}

key_values progress_details(const gather_progress& p) {
  key_values out;
  if (p.partitions <= 1) return out;
  out.emplace_back("partitions", integer(p.partitions));
  out.emplace_back("partitions_answered", integer(static_cast<std::int64_t>(p.answered.size())));
  if (!p.missing.empty()) out.emplace_back("partitions_missing", ids_text(p.missing));
  return out;
}

gatherer::gatherer(std::string kind, std::int64_t timeout_ms)
    : kind_(std::move(kind)), timeout_ms_(std::max<std::int64_t>(timeout_ms, 0)),
      deadlines_(std::string(deadline_index)) {}

bool gatherer::ask(const task_spec& task, bytes own, context& ctx) {
  const std::int32_t n = ctx.partitions();
  if (n <= 1) return false;
  auto& tables = ctx.tables();
  const std::string& id = task.task_id;
  if (tables.get(table, id)) return true; // the same question, delivered again

  question q;
  {
    flatbuffers::FlatBufferBuilder b;
    b.Finish(build_task(b, task));
    q.task.assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  }
  q.partitions = n;
  q.answered = {ctx.partition()};
  q.asked_ms = ctx.event_time_ms();
  q.deadline_ms = after(q.asked_ms, timeout_ms_);
  q.reply_key = partition_key(ctx.partition(), n);
  q.correlation = std::string(sv(ctx.cause().correlation_id()));
  tables.put(table, id, encode_question(q));
  tables.put(parts_table, part_key(id, ctx.partition()), std::move(own));
  deadlines_.file(tables, id, q.deadline_ms);

  for (std::int32_t p = 0; p < n; ++p) {
    if (p == ctx.partition()) continue;
    auto& b = ctx.builder();
    const auto built = build_task(b, task);
    const auto r = fbs::CreatePartialRequestDirect(b, id.c_str(), kind_.c_str(), p, n,
                                                   q.reply_key.c_str(), built);
    ctx.emit(output::tasks, partition_key(p, n), fbs::Payload::PartialRequest, r.Union(),
             q.correlation);
  }
  return true;
}

bool gatherer::on_event(const fbs::Envelope& event, context& ctx, const part_fn& part,
                        const finish_fn& finish) {
  if (const auto* r = event.payload_as_PartialRequest()) {
    if (sv(r->agent()) != kind_ || r->task() == nullptr) return true;
    const task_spec task = read_task(*r->task());
    const bytes data = part(task, ctx);
    auto& b = ctx.builder();
    const auto a = fbs::CreatePartialAnswerDirect(b, task.task_id.c_str(), kind_.c_str(),
                                                  ctx.partition(), ctx.partitions(), &data);
    ctx.emit(output::tasks, sv(r->reply_key()), fbs::Payload::PartialAnswer, a.Union(),
             sv(event.correlation_id()));
    return true;
  }
  if (const auto* a = event.payload_as_PartialAnswer()) {
    if (sv(a->agent()) != kind_) return true;
    auto& tables = ctx.tables();
    const std::string id(sv(a->gather_id()));
    const auto row = tables.get(table, id);
    if (!row) return true; // answered already, or never asked here
    question q = decode_question(*row);
    const std::int32_t p = a->partition();
    if (p < 0 || p >= q.partitions || a->partitions() != q.partitions) return true;
    const auto at = std::lower_bound(q.answered.begin(), q.answered.end(), p);
    if (at != q.answered.end() && *at == p) return true; // this part is in already
    q.answered.insert(at, p);
    bytes data;
    if (a->data() != nullptr) data.assign(a->data()->begin(), a->data()->end());
    tables.put(parts_table, part_key(id, p), std::move(data));
    tables.put(table, id, encode_question(q));
    if (static_cast<std::int32_t>(q.answered.size()) == q.partitions)
      finish_question(id, ctx, finish);
    return true;
  }
  return false;
}

void gatherer::expire(context& ctx, const finish_fn& finish) {
  auto& tables = ctx.tables();
  std::vector<std::string> due;
  deadlines_.take_due(tables, ctx.event_time_ms(), [&](const index_entry& e) {
    due.push_back(e.key);
    return std::nullopt;
  });
  for (const auto& id : due)
    if (tables.get(table, id)) finish_question(id, ctx, finish);
}

void gatherer::finish_question(const std::string& id, context& ctx, const finish_fn& finish) {
  auto& tables = ctx.tables();
  const auto row = tables.get(table, id);
  if (!row) return;
  const question q = decode_question(*row);
  gather_parts parts;
  for (const auto p : q.answered) {
    const std::string k = part_key(id, p);
    auto data = tables.get(parts_table, k);
    parts.emplace_back(p, data ? std::move(*data) : bytes{});
    tables.erase(parts_table, k);
  }
  tables.erase(table, id);
  deadlines_.unfile(tables, id, q.deadline_ms);

  gather_progress progress;
  progress.partitions = q.partitions;
  progress.answered = q.answered;
  for (std::int32_t p = 0; p < q.partitions; ++p)
    if (!std::binary_search(q.answered.begin(), q.answered.end(), p)) progress.missing.push_back(p);
  progress.asked_ms = q.asked_ms;
  progress.timeout_ms = timeout_ms_;
  progress.correlation = q.correlation;
  const auto* task = task_of(q.task);
  finish(read_task(*task), parts, progress, ctx);
}

} // namespace aetherial::actors::kit
