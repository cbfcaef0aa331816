#include "runtime/audit.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <thread>

#include <map>
#include <set>
#include <sstream>

#include "actors/registry.hpp"
#include "runtime/applier.hpp"
#include "runtime/errc.hpp"
#include "runtime/journal.hpp"
#include "runtime/recovery.hpp"
#include "schemas/json.hpp"
#include "storage/scratch_store.hpp"
#include "topics/catalog.hpp"

namespace aetherial::runtime {
namespace {

error audit_error(std::string message) {
  return make_error(errc::configuration, std::move(message));
}

/// A recorded output event.
struct recorded {
  std::vector<std::uint8_t> bytes;
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::uint32_t copies = 0;
  bool conflicting = false; ///< the same id was recorded with different bytes
};

/// Where a replayed input event is, for causal chains.
struct input_ref {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

std::string json_of(const std::vector<std::uint8_t>& b) {
  return schemas::envelope_to_json(b.data(), b.size());
}

// --- The audit's index, on disk ---------------------------------------------------------------
//
// Recorded outputs, replayed inputs and which recorded outputs replay produced live in a scratch
// store, so the audit's memory does not grow with the log. Keys: 'o' principal NUL id for a
// recorded output, 'c' principal NUL id for the cause of one, 'm' principal NUL id once replay
// produced it, 'i' id for a replayed input that caused a recorded output; ids are 16 bytes
// big-endian (event_id order). Values: flags (1 = conflicting), copies, partition,
// offset, topic length and topic, then the envelope.

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i)
    out += static_cast<char>(v >> (8 * i));
}

std::uint64_t get_u64(std::string_view in, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}

std::string id_key(char kind, std::string_view principal, const schemas::event_id& id) {
  std::string k(1, kind);
  if (kind != 'i') {
    k += principal;
    k += '\0';
  }
  put_u64(k, id.hi);
  put_u64(k, id.lo);
  return k;
}

schemas::event_id id_of_key(std::string_view key) {
  return {get_u64(key, key.size() - 16), get_u64(key, key.size() - 8)};
}

constexpr std::size_t header_bytes = 1 + 4 + 4 + 8 + 2;

std::string encode_entry(bool conflicting, std::uint32_t copies, std::string_view topic,
                         std::int32_t partition, std::int64_t offset,
                         const std::vector<std::uint8_t>& bytes) {
  std::string v;
  v.reserve(header_bytes + topic.size() + bytes.size());
  v += static_cast<char>(conflicting ? 1 : 0);
  for (int i = 3; i >= 0; --i)
    v += static_cast<char>(copies >> (8 * i));
  for (int i = 3; i >= 0; --i)
    v += static_cast<char>(static_cast<std::uint32_t>(partition) >> (8 * i));
  put_u64(v, static_cast<std::uint64_t>(offset));
  v += static_cast<char>(topic.size() >> 8);
  v += static_cast<char>(topic.size() & 0xff);
  v += topic;
  v.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return v;
}

recorded decode_entry(std::string_view v) {
  recorded r;
  const auto u32 = [&](std::size_t at) {
    std::uint32_t x = 0;
    for (std::size_t i = 0; i < 4; ++i)
      x = (x << 8) | static_cast<unsigned char>(v[at + i]);
    return x;
  };
  r.conflicting = v[0] != 0;
  r.copies = u32(1);
  r.partition = static_cast<std::int32_t>(u32(5));
  r.offset = static_cast<std::int64_t>(get_u64(v, 9));
  const std::size_t topic_len = (static_cast<std::size_t>(static_cast<unsigned char>(v[17])) << 8) |
                                static_cast<unsigned char>(v[18]);
  r.topic.assign(v.substr(header_bytes, topic_len));
  const auto body = v.substr(header_bytes + topic_len);
  r.bytes.assign(body.begin(), body.end());
  return r;
}

/// A Bloom filter of fixed size over (principal, event id): "certainly not" without a store
/// lookup for most ids. Its memory does not grow with the log; past about 4M ids its false
/// positives grow, which costs store lookups, never answers.
class id_filter {
public:
  void add(std::string_view principal, const schemas::event_id& id) noexcept {
    auto [base, bits] = hashes(principal, id);
    for (int i = 0; i < probes; ++i, bits >>= 9)
      bits_[base + ((bits >> 6) & 7)] |= std::uint64_t{1} << (bits & 63);
  }
  [[nodiscard]] bool may_contain(std::string_view principal,
                                 const schemas::event_id& id) const noexcept {
    auto [base, bits] = hashes(principal, id);
    for (int i = 0; i < probes; ++i, bits >>= 9)
      if ((bits_[base + ((bits >> 6) & 7)] & (std::uint64_t{1} << (bits & 63))) == 0) return false;
    return true;
  }

private:
  // Blocked: every probe of an id falls in one 64-byte block, so a lookup costs one cache
  // miss, not one per probe.
  static constexpr std::size_t words = std::size_t{1} << 19; // 4 MiB
  static constexpr std::size_t blocks = words / 8;
  static constexpr int probes = 6;                     // 9 bits each: a bit of the block's 512
  static std::uint64_t mix(std::uint64_t x) noexcept { // splitmix64's finalizer
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  /// The first word of the id's block, and the bits that choose its probes.
  static std::pair<std::size_t, std::uint64_t> hashes(std::string_view principal,
                                                      const schemas::event_id& id) noexcept {
    const auto h = mix(id.hi ^ mix(id.lo ^ schemas::fnv1a(principal)));
    return {static_cast<std::size_t>(h & (blocks - 1)) * 8, mix(h)};
  }
  std::vector<std::uint64_t> bits_ = std::vector<std::uint64_t>(words);
};

class audit_index {
public:
  explicit audit_index(storage::scratch_store& store) : store_(store) {}

  /// Notes a recorded output (a second copy only counts, and marks a conflict if it differs)
  /// and its cause.
  result<void> record_output(const std::string& principal, const schemas::event_id& id,
                             const schemas::event_id& cause, topics::record& rec) {
    const auto key = id_key('o', principal, id);
    auto old = store_.get(key);
    if (!old) return old.error_value();
    if (!old.value()) {
      causes_.add(principal, cause);
      if (auto r = store_.put(id_key('c', principal, cause), {}); !r) return r;
      return store_.put(key,
                        encode_entry(false, 1, rec.topic, rec.partition, rec.offset, rec.value));
    }
    auto r = decode_entry(*old.value());
    return store_.put(key, encode_entry(r.conflicting || r.bytes != rec.value, r.copies + 1,
                                        r.topic, r.partition, r.offset, r.bytes));
  }

  [[nodiscard]] std::optional<recorded> output(const std::string& principal,
                                               const schemas::event_id& id) const {
    auto v = store_.get(id_key('o', principal, id));
    if (!v || !v.value()) return std::nullopt;
    return decode_entry(*v.value());
  }

  result<void> produced(const std::string& principal, const schemas::event_id& id) {
    return store_.put(id_key('m', principal, id), {});
  }
  [[nodiscard]] result<bool> was_produced(const std::string& principal,
                                          const schemas::event_id& id) const {
    auto v = store_.get(id_key('m', principal, id));
    if (!v) return v.error_value();
    return v.value().has_value();
  }

  /// Whether a recorded output of `principal` names `id` as its cause.
  [[nodiscard]] result<bool> is_cause(const std::string& principal,
                                      const schemas::event_id& id) const {
    if (!causes_.may_contain(principal, id)) return false;
    auto v = store_.get(id_key('c', principal, id));
    if (!v) return v.error_value();
    return v.value().has_value();
  }

  /// Notes where a replayed input is (not its bytes: a causal chain fetches them again).
  result<void> input(const schemas::event_id& id, const topics::record_view& rec) {
    return store_.put(id_key('i', {}, id),
                      encode_entry(false, 1, rec.topic, rec.partition, rec.offset, {}));
  }
  [[nodiscard]] std::optional<input_ref> input(const schemas::event_id& id) const {
    auto v = store_.get(id_key('i', {}, id));
    if (!v || !v.value()) return std::nullopt;
    auto r = decode_entry(*v.value());
    return input_ref{std::move(r.topic), r.partition, r.offset};
  }

  /// Calls `visit(principal, id, output)` for the recorded outputs of `principal` (every
  /// principal when empty), in (principal, id) order, until it returns false.
  result<void> each_output(const std::string& principal,
                           const std::function<bool(std::string_view, const schemas::event_id&,
                                                    const recorded&)>& visit) const {
    const std::string prefix = principal.empty() ? std::string("o") : "o" + principal + '\0';
    return store_.scan(prefix, [&](std::string_view key, std::string_view value) {
      const auto name = key.substr(1, key.size() - 1 - 17);
      return visit(name, id_of_key(key), decode_entry(value));
    });
  }

private:
  storage::scratch_store& store_;
  id_filter causes_; ///< in front of the 'c' keys: most inputs caused nothing recorded
};

/// Reads every record of the given topics into the index, per principal, keyed by event id.
result<std::uint64_t> read_outputs(const topics::kafka_config& cfg,
                                   const std::vector<std::string>& names, audit_index& index,
                                   const audit_options& o) {
  result<void> failed;
  auto read = read_topics(
      cfg, names,
      [&](topics::record& rec) {
        if (!failed) return;
        std::string why;
        const auto* env =
            schemas::verify_envelope(rec.value.data(), rec.value.size(), ~std::size_t{0}, &why);
        if (env == nullptr || env->principal() == nullptr) return;
        failed = index.record_output(env->principal()->str(), schemas::event_id::from(env->id()),
                                     schemas::event_id::from(env->causation_id()), rec);
      },
      [&](std::size_t n) {
        if (o.progress) o.progress("reading the recorded outputs", n, 0);
      });
  if (!read) return read.error_value();
  if (!failed) return failed.error_value();
  return static_cast<std::uint64_t>(read.value());
}

/// Ids of the agent's input events beyond what its journal covers (a live node's tail, not
/// yet checkpointed): a recorded decision caused by one of them is pending, not divergent.
result<std::set<schemas::event_id>> unjournaled_input_ids(const topics::kafka_config& cfg,
                                                          const std::vector<std::string>& inputs,
                                                          const journal_index& journal,
                                                          const audit_options& o) {
  std::vector<topics::topic_partition> from;
  auto rd = topics::reader::create(cfg, /*read_committed=*/true);
  if (!rd) return rd.error_value();
  for (std::size_t t = 0; t < inputs.size(); ++t) {
    auto parts = rd.value()->partition_count(inputs[t], topics::ms{10000});
    if (!parts) return parts.error_value();
    for (std::int32_t p = 0; p < parts.value(); ++p) {
      std::int64_t end = -2; // never journaled: all of it is tail
      if (auto it = journal.find(p); it != journal.end())
        for (const auto& [seq, e] : it->second)
          for (const auto& s : e.segments)
            if (s.topic_index == static_cast<int>(t)) end = std::max(end, s.first_offset + s.count);
      from.push_back({inputs[t], p, end});
    }
  }
  std::set<schemas::event_id> ids;
  auto read = read_partitions(cfg, from, [&](topics::record& rec) {
    auto decoded = decode_record(rec, o.limits);
    if (decoded.env) ids.insert(schemas::event_id::from(decoded.env->id()));
  });
  if (!read) return read.error_value();
  return ids;
}

/// The envelope of the input at `at` (as the audit replayed it, converted from JSON when it
/// was JSON); empty when it cannot be read.
std::vector<std::uint8_t> fetch_input(const topics::kafka_config& kafka,
                                      const schemas::input_limits& limits, const input_ref& at) {
  auto rd = topics::reader::create(kafka, /*read_committed=*/true);
  if (!rd || !rd.value()->assign({{at.topic, at.partition, at.offset}})) return {};
  for (int tries = 0; tries < 20; ++tries)
    for (auto& rec : rd.value()->poll(16, topics::ms{500})) {
      if (rec.topic != at.topic || rec.partition != at.partition || rec.offset != at.offset)
        continue;
      auto decoded = decode_record(rec, limits);
      if (!decoded.env) return {};
      return decoded.converted.empty() ? std::move(rec.value) : std::move(decoded.converted);
    }
  return {};
}

std::string causal_chain(const schemas::event_id& decision_id, const std::string& principal,
                         const audit_index& index, const topics::kafka_config& kafka,
                         const schemas::input_limits& limits,
                         const std::vector<std::uint8_t>* recomputed) {
  std::ostringstream os;
  os << "decision " << decision_id.to_string() << "\n";
  const auto rec = index.output(principal, decision_id);
  if (rec)
    os << "  recorded   (" << rec->topic << "/" << rec->partition << "@" << rec->offset
       << "): " << json_of(rec->bytes) << "\n";
  else
    os << "  recorded   : (absent from the log)\n";
  if (recomputed)
    os << "  recomputed : " << json_of(*recomputed) << "\n";
  else
    os << "  recomputed : (replay does not produce it)\n";
  // Walk causation ids back through inputs and decisions.
  schemas::event_id cause{};
  const std::vector<std::uint8_t>* start = recomputed;
  if (!start && rec) start = &rec->bytes;
  if (start) {
    std::string why;
    if (const auto* env =
            schemas::verify_envelope(start->data(), start->size(), ~std::size_t{0}, &why))
      cause = schemas::event_id::from(env->causation_id());
  }
  for (int depth = 0; depth < 16 && !cause.is_zero(); ++depth) {
    os << "  caused by " << cause.to_string();
    std::vector<std::uint8_t> bytes;
    if (auto in = index.input(cause)) {
      os << " (input " << in->topic << "/" << in->partition << "@" << in->offset << ")";
      bytes = fetch_input(kafka, limits, *in);
      if (bytes.empty()) {
        os << ": (no longer readable)\n";
        break;
      }
    } else if (auto d = index.output(principal, cause)) {
      os << " (decision " << d->topic << "/" << d->partition << "@" << d->offset << ")";
      bytes = std::move(d->bytes);
    } else {
      os << " (not found in the audited log)\n";
      break;
    }
    os << ": " << json_of(bytes) << "\n";
    std::string why;
    const auto* env = schemas::verify_envelope(bytes.data(), bytes.size(), ~std::size_t{0}, &why);
    cause = env ? schemas::event_id::from(env->causation_id()) : schemas::event_id{};
  }
  return os.str();
}

} // namespace

std::string audit_report::summary() const {
  std::ostringstream os;
  os << decisions << " decisions, " << divergences << " divergences";
  if (pending) os << " (" << pending << " recorded decisions not yet checkpointed)";
  return os.str();
}

namespace {
result<audit_report> audit(const audit_options& o, std::vector<std::string> agents);

/// Partitions replayed side by side: one per core.
std::size_t audit_workers() {
  return std::max(1u, std::thread::hardware_concurrency());
}
} // namespace

std::size_t audit_prefetch_kib(std::size_t workers) {
  return std::clamp<std::size_t>((256u << 10) / std::max<std::size_t>(workers, 1), 16u << 10,
                                 64u << 10);
}

result<audit_report> run_audit(const audit_options& o) {
  std::vector<std::string> agents;
  for (const auto& a : o.agents) {
    if (a != "all") {
      agents.push_back(a);
      continue;
    }
    for (const auto& k : actors::agent_kinds())
      agents.push_back(k.name);
  }
  for (const auto& a : agents)
    if (!actors::find_agent_kind(a)) return audit_error("unknown agent kind '" + a + "'");
  // Records fetched ahead are bounded: 256 MiB over the workers that replay partitions side
  // by side, 16 to 64 MiB each (librdkafka's default is 64 MiB per partition). Each worker
  // reads one partition; librdkafka 2.0 fetches again at most about once a second after its
  // queue was full, so a worker reads at most about its bound per second: at 64 MiB, some
  // 290,000 Operations events/s.
  audit_options bounded = o;
  bounded.kafka.extra.emplace("queued.max.messages.kbytes",
                              std::to_string(audit_prefetch_kib(audit_workers())));
  return audit(bounded, std::move(agents));
}

namespace {

result<audit_report> audit(const audit_options& o, std::vector<std::string> agents) {
  audit_report report;
  const topics::catalog cat(o.topic_prefix);
  auto scratch = storage::scratch_store::create(o.scratch_dir, o.scratch_memory_bytes);
  if (!scratch) return scratch.error_value();
  audit_index index(*scratch.value());

  // The journal first, then every output topic, once for all audited agents: an input the
  // journal names had its outputs written before its journal record, so on a live node
  // every output of a journaled input is read; later outputs are pending.
  auto journals = read_journals(o.kafka, cat.name(topics::catalog::journal), [&](std::size_t n) {
    if (o.progress) o.progress("reading journal", n, 0);
  });
  if (!journals) return journals.error_value();
  std::vector<std::string> output_topics;
  for (auto out : {actors::output::decisions, actors::output::replies, actors::output::tasks,
                   actors::output::effects})
    output_topics.push_back(cat.name(output_topic(out)));
  auto read = read_outputs(o.kafka, output_topics, index, o);
  if (!read) return read.error_value();
  // Events that claim to come from an agent this build does not have were made by no agent.
  if (std::find(o.agents.begin(), o.agents.end(), "all") != o.agents.end()) {
    std::string principal;
    std::uint64_t count = 0;
    schemas::event_id first{};
    const auto flush = [&] {
      if (count == 0 || principal.rfind("agent:", 0) != 0 ||
          actors::find_agent_kind(principal.substr(6)) != nullptr)
        return;
      report.divergences += count;
      if (report.first_divergence.empty())
        report.first_divergence = "the log has " + std::to_string(count) + " event(s) from " +
                                  principal + ", which is no agent kind:\n" +
                                  causal_chain(first, principal, index, o.kafka, o.limits, nullptr);
    };
    auto scanned = index.each_output(
        {}, [&](std::string_view name, const schemas::event_id& id, const recorded&) {
          if (name != principal) {
            flush();
            principal.assign(name);
            count = 0;
            first = id;
          }
          ++count;
          return true;
        });
    if (!scanned) return scanned.error_value();
    flush();
  }

  for (const auto& agent_name : agents) {
    const auto* kind = actors::find_agent_kind(agent_name);
    const std::string principal = "agent:" + agent_name;
    auto& journal = journals.value()[agent_name];

    std::vector<std::string> inputs;
    for (const auto& t : kind->input_topics)
      inputs.push_back(cat.name(t));
    // A record on another partition than its key's was dead-lettered by the live node, not
    // applied: replay skips it too.
    std::vector<std::int32_t> input_partitions;
    {
      auto meta = topics::reader::create(o.kafka, /*read_committed=*/true);
      if (!meta) return meta.error_value();
      for (const auto& topic : inputs) {
        // Broadcast copies sit on every partition whatever their key: never misplaced.
        if (topic == cat.name(topics::catalog::broadcast)) {
          input_partitions.push_back(0);
          continue;
        }
        auto n = meta.value()->partition_count(topic, topics::ms{10000});
        if (!n) return n.error_value();
        input_partitions.push_back(n.value());
      }
    }

    // Partitions are replayed side by side, each by one worker with its own agent; their
    // findings are merged in partition order, so the report does not depend on the timing.
    std::vector<std::pair<std::int32_t, const std::map<std::uint64_t, journal_entry>*>> parts;
    for (const auto& [partition, entries_by_seq] : journal)
      parts.emplace_back(partition, &entries_by_seq);
    std::vector<audit_report> found(parts.size());
    std::vector<result<void>> outcome(parts.size());
    std::mutex progress_mutex;
    const auto replay = [&](std::size_t i) -> result<void> {
      const auto partition = parts[i].first;
      auto& part = found[i];
      std::vector<const journal_entry*> entries;
      std::uint64_t total = 0;
      for (const auto& [seq, e] : *parts[i].second) {
        entries.push_back(&e);
        for (const auto& seg : e.segments)
          total += static_cast<std::uint64_t>(seg.count);
      }
      auto agent = kind->make(o.settings);
      actors::memory_table_store tables; // replay rebuilds the keyed state from the log too
      event_window seen(o.limits.duplicate_window);
      std::vector<std::uint8_t> aligned; // the current input, when misaligned in the buffer
      std::uint64_t done = 0;
      const std::string phase =
          "replaying " + agent_name + " partition " + std::to_string(partition);
      auto replayed = for_each_journaled_input(
          o.kafka, inputs, partition, entries, [&](input_record& in) -> result<void> {
            ++part.inputs_replayed;
            const auto t = static_cast<std::size_t>(in.topic_index);
            if (t < input_partitions.size() && misplaced(in.rec, input_partitions[t])) return {};
            auto decoded = decode_record(in.rec, o.limits, &aligned);
            // Only inputs that caused a recorded output are looked up later (the check of
            // decisions replay did not produce, causal chains): only those are noted.
            if (decoded.env) {
              const auto id = schemas::event_id::from(decoded.env->id());
              auto cause = index.is_cause(principal, id);
              if (!cause) return cause.error_value();
              if (cause.value())
                if (auto r = index.input(id, in.rec); !r) return r;
            }
            auto out = apply_decoded(
                *agent, seen, agent_name, std::move(decoded), o.limits, o.identities.get(), &tables,
                partition_of{partition, kind_partitions(input_partitions),
                             t < kind->input_topics.size() ? std::string_view(kind->input_topics[t])
                                                           : std::string_view()});
            if (out.result == apply_outcome::status::threw) {
              ++part.divergences;
              if (part.first_divergence.empty())
                part.first_divergence = "replay of " + std::string(in.rec.topic) + "/" +
                                        std::to_string(in.rec.partition) + "@" +
                                        std::to_string(in.rec.offset) +
                                        " threw, but the live agent applied it: " + out.reason;
            } else {
              for (auto& e : out.outputs) {
                std::string why;
                const auto* env =
                    schemas::verify_envelope(e.value.data(), e.value.size(), ~std::size_t{0}, &why);
                const auto id = schemas::event_id::from(env->id());
                if (auto r = index.produced(principal, id); !r) return r;
                const auto rec = index.output(principal, id);
                if (rec && rec->bytes == e.value && !rec->conflicting) {
                  ++part.decisions;
                  if (rec->copies > 1) ++part.duplicates;
                  continue;
                }
                ++part.divergences;
                if (part.first_divergence.empty())
                  part.first_divergence =
                      (!rec ? std::string("replay produces a decision the log does not have:\n")
                            : std::string(
                                  "the recorded decision differs from the recomputed one:\n")) +
                      causal_chain(id, principal, index, o.kafka, o.limits, &e.value);
              }
            }
            if (o.progress && (++done % 1000 == 0 || done == total)) {
              const std::lock_guard<std::mutex> lock(progress_mutex);
              o.progress(phase, done, total);
            }
            return {};
          });
      if (!replayed) return replayed.error_value();
      return {};
    };
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
      for (std::size_t i = next++; i < parts.size(); i = next++)
        outcome[i] = replay(i);
    };
    const std::size_t workers = std::min<std::size_t>(parts.size(), audit_workers());
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w)
      pool.emplace_back(work);
    work();
    for (auto& t : pool)
      t.join();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (!outcome[i]) return outcome[i].error_value();
      report.inputs_replayed += found[i].inputs_replayed;
      report.decisions += found[i].decisions;
      report.divergences += found[i].divergences;
      report.duplicates += found[i].duplicates;
      if (report.first_divergence.empty()) report.first_divergence = found[i].first_divergence;
    }
    // Recorded decisions that replay did not produce: pending when caused by an input the
    // journal does not cover yet, divergent otherwise (forged, or caused by nothing).
    std::set<schemas::event_id> tail;
    bool tail_read = false;
    result<void> failed;
    auto scanned = index.each_output(principal, [&](std::string_view, const schemas::event_id& id,
                                                    const recorded& rec) {
      auto produced = index.was_produced(principal, id);
      if (!produced) {
        failed = produced.error_value();
        return false;
      }
      if (produced.value()) return true;
      std::string why;
      const auto* env =
          schemas::verify_envelope(rec.bytes.data(), rec.bytes.size(), ~std::size_t{0}, &why);
      const auto cause = env ? schemas::event_id::from(env->causation_id()) : schemas::event_id{};
      const bool journaled_cause = index.input(cause).has_value();
      if (!journaled_cause) {
        if (!tail_read) {
          auto ids = unjournaled_input_ids(o.kafka, inputs, journal, o);
          if (!ids) {
            failed = ids.error_value();
            return false;
          }
          tail = std::move(ids.value());
          tail_read = true;
        }
        if (tail.count(cause)) {
          ++report.pending;
          return true;
        }
      }
      ++report.divergences;
      if (report.first_divergence.empty())
        report.first_divergence =
            (journaled_cause
                 ? std::string("the log has a decision that replay does not produce:\n")
                 : std::string("the log has a decision caused by no input of agent " + agent_name +
                               " (forged, or written by something else):\n")) +
            causal_chain(id, principal, index, o.kafka, o.limits, nullptr);
      return true;
    });
    if (!scanned) return scanned.error_value();
    if (!failed) return failed.error_value();
  }
  return report;
}

} // namespace

result<std::string> explain(const topics::kafka_config& kafka, const std::string& topic_prefix,
                            const schemas::event_id& id) {
  const topics::catalog cat(topic_prefix);
  std::map<schemas::event_id, recorded> events;
  // Recorded outputs were checked as inputs already or made by agents: only their form counts.
  schemas::input_limits recorded_limits;
  recorded_limits.max_event_bytes = ~std::size_t{0};
  recorded_limits.max_string_bytes = ~std::size_t{0};
  recorded_limits.min_event_time_ms = std::numeric_limits<std::int64_t>::min();
  recorded_limits.max_event_time_ms = std::numeric_limits<std::int64_t>::max();
  for (const auto& t : cat.topics()) {
    if (t.compacted || t.name == topics::catalog::journal || t.name == topics::catalog::dlq)
      continue;
    const auto name = cat.name(t.name);
    auto read = read_topic(kafka, name, [&](topics::record& rec) {
      auto decoded = decode_record(rec, recorded_limits);
      if (!decoded.env) return;
      auto& slot = events[schemas::event_id::from(decoded.env->id())];
      if (slot.copies++ > 0) return;
      slot.bytes = decoded.converted.empty() ? std::move(rec.value) : std::move(decoded.converted);
      slot.topic = rec.topic;
      slot.partition = rec.partition;
      slot.offset = rec.offset;
    });
    if (!read) return read.error_value();
  }
  std::ostringstream os;
  schemas::event_id at = id;
  for (int depth = 0; depth < 32 && !at.is_zero(); ++depth) {
    auto it = events.find(at);
    if (it == events.end()) {
      os << (depth == 0 ? "" : "  caused by ") << at.to_string() << ": not in the log\n";
      break;
    }
    os << (depth == 0 ? "" : "  caused by ") << at.to_string() << " (" << it->second.topic << "/"
       << it->second.partition << "@" << it->second.offset << "): " << json_of(it->second.bytes)
       << "\n";
    std::string why;
    const auto* env = schemas::verify_envelope(it->second.bytes.data(), it->second.bytes.size(),
                                               ~std::size_t{0}, &why);
    at = env ? schemas::event_id::from(env->causation_id()) : schemas::event_id{};
  }
  return os.str();
}

} // namespace aetherial::runtime
