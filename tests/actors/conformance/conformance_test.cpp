// The contract every agent kind keeps, checked over each kind's own inputs: the same inputs
// give the same bytes; a snapshot plus the tail equals a full replay; truncated, corrupted,
// foreign and outdated snapshots (the former codecs' among them) are refused and change nothing;
// the registry describes it: its topics and its one state version.
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "actors/registry.hpp"
#include "actors/table.hpp"
#include "schemas/envelope.hpp"
#include "tests/actors/conformance/inputs.hpp"

namespace data = boost::unit_test::data;

namespace aetherial::actors::conformance {

/// The registry's kind names, the data set of the suite.
std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (const auto& k : agent_kinds())
    names.push_back(k.name);
  return names;
}

/// The kinds with snapshots of their former codecs in the suite.
std::vector<std::string> kinds_with_a_former_snapshot() {
  std::vector<std::string> names;
  for (const auto& in : all_inputs())
    if (!in.former_snapshots.empty()) names.push_back(in.kind);
  return names;
}

/// An emitted event, compared as bytes: where it goes, its key and its envelope.
using record = std::tuple<output, std::string, bytes>;

/// An agent of one kind and what it emitted, per fed event.
struct run {
  run(const agent_kind& k, const agent_settings& settings) : kind(&k), agent(k.make(settings)) {
    BOOST_TEST_REQUIRE((agent != nullptr));
  }

  void feed(const bytes& value) {
    std::string why;
    const auto* env = aetherial::schemas::verify_envelope(
        value.data(), value.size(), aetherial::schemas::default_max_event_bytes, &why);
    BOOST_TEST_REQUIRE(env != nullptr, why);
    context ctx(kind->name, *env);
    ctx.set_tables(&tables);
    agent->on_event(*env, ctx);
    if (flush_every_event) agent->flush(tables);
    auto& out = history.emplace_back();
    for (auto& e : ctx.take_outputs())
      out.emplace_back(e.to, std::move(e.key), std::move(e.value));
  }

  /// Feeds events [from, to) of `log`, then flushes the agent's rows to its tables, as a
  /// host does before a checkpoint.
  void feed(const std::vector<bytes>& log, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      feed(log[i]);
    agent->flush(tables);
  }

  /// Everything emitted for the fed events numbered `from` onwards, in order.
  [[nodiscard]] std::vector<record> outputs(std::size_t from = 0) const {
    std::vector<record> all;
    for (std::size_t i = from; i < history.size(); ++i)
      all.insert(all.end(), history[i].begin(), history[i].end());
    return all;
  }

  [[nodiscard]] bytes snapshot() const { return agent->snapshot(); }

  /// Restores `snap` and `rows` (the tables at that snapshot), as a host restores both.
  [[nodiscard]] bool restore(const bytes& snap, const memory_table_store& rows) {
    tables = rows;
    return agent->restore(snap.data(), snap.size());
  }

  const agent_kind* kind;
  std::unique_ptr<aetherial::actors::agent> agent;
  memory_table_store tables; ///< the agent's tables, as a host gives them
  std::vector<std::vector<record>> history;
  bool flush_every_event = false; ///< write the rows back after each event, not per batch
};

/// A kind under test: its registry entry, its inputs and its input sequence.
struct subject {
  explicit subject(const std::string& name)
      : kind(find_agent_kind(name)), inputs(find_inputs(name)) {
    BOOST_TEST_REQUIRE(kind != nullptr, name);
    BOOST_TEST_REQUIRE(inputs != nullptr, name << " has no conformance inputs");
    log = inputs->events();
    BOOST_TEST_REQUIRE(log.size() >= 10u, name);
  }

  [[nodiscard]] run make() const { return run(*kind, inputs->settings); }

  /// A run over the first `n` events.
  [[nodiscard]] run after(std::size_t n) const {
    run r = make();
    r.feed(log, 0, n);
    return r;
  }

  const agent_kind* kind;
  const kind_inputs* inputs;
  std::vector<bytes> log;
};

/// A snapshot of the byte layout the codecs wrote before FlatBuffers: magic, u32 version,
/// u64 body length, the body (all zeros), u64 FNV-1a of the body.
bytes legacy_snapshot(const std::string& magic, std::uint32_t version, std::size_t body_size) {
  bytes out(magic.begin(), magic.end());
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(version >> (8 * i)));
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(body_size) >> (8 * i)));
  out.insert(out.end(), body_size, 0);
  const auto sum = aetherial::schemas::fnv1a(std::string(body_size, '\0'));
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<std::uint8_t>(sum >> (8 * i)));
  return out;
}

} // namespace aetherial::actors::conformance

using namespace aetherial::actors;
using namespace aetherial::actors::conformance;

BOOST_AUTO_TEST_SUITE(agent_conformance)

BOOST_AUTO_TEST_CASE(every_registry_kind_has_inputs_in_the_suite) {
  BOOST_TEST(!agent_kinds().empty());
  for (const auto& k : agent_kinds())
    BOOST_TEST((find_inputs(k.name) != nullptr), k.name << " has no conformance inputs");
  std::set<std::string> names;
  for (const auto& in : all_inputs()) {
    BOOST_TEST((find_agent_kind(in.kind) != nullptr), in.kind << " is not in the registry");
    BOOST_TEST(names.insert(in.kind).second, in.kind << " has inputs twice");
    BOOST_TEST((in.events != nullptr), in.kind);
  }
  BOOST_TEST(all_inputs().size() == agent_kinds().size());
}

BOOST_DATA_TEST_CASE(same_inputs_give_identical_bytes, data::make(kind_names()), name) {
  const subject s(name);
  BOOST_TEST((s.inputs->events() == s.log), "the inputs of " << name << " are not deterministic");
  const run a = s.after(s.log.size());
  const run b = s.after(s.log.size());
  BOOST_TEST(!a.outputs().empty(), name << " emitted nothing on its inputs");
  BOOST_TEST((a.outputs() == b.outputs()));
  BOOST_TEST(a.snapshot() == b.snapshot());
  BOOST_TEST((a.tables.tables() == b.tables.tables()));
  // A kind writes only the tables it declares, and never the runtime's ('$...').
  for (const auto& [table, rows] : a.tables.tables()) {
    bool declared = false;
    for (const auto& d : s.kind->tables)
      declared = declared || d.name == table;
    BOOST_TEST(declared, name << " wrote the undeclared table " << table);
    BOOST_TEST((table.empty() || table.front() != '$'), name << " wrote " << table);
  }
  BOOST_TEST(a.snapshot() == a.snapshot()); // the same state, the same bytes
}

// Rows an agent keeps decoded reach its tables when it flushes (before a checkpoint): when
// they do changes no output, no snapshot and no row.
BOOST_DATA_TEST_CASE(flushing_after_every_event_changes_nothing, data::make(kind_names()), name) {
  const subject s(name);
  const run batched = s.after(s.log.size());
  run each = s.make();
  each.flush_every_event = true;
  each.feed(s.log, 0, s.log.size());
  BOOST_TEST((each.outputs() == batched.outputs()), name);
  BOOST_TEST(each.snapshot() == batched.snapshot(), name);
  BOOST_TEST((each.tables.tables() == batched.tables.tables()), name);
  // Flushing in the middle of a batch, at any point, neither.
  run twice = s.make();
  twice.feed(s.log, 0, s.log.size() / 3);
  twice.feed(s.log, s.log.size() / 3, s.log.size());
  BOOST_TEST((twice.outputs() == batched.outputs()), name);
  BOOST_TEST((twice.tables.tables() == batched.tables.tables()), name);
}

BOOST_DATA_TEST_CASE(snapshot_plus_tail_equals_full_replay, data::make(kind_names()), name) {
  const subject s(name);
  const std::size_t n = s.log.size();
  const run full = s.after(n);
  const auto full_snapshot = full.snapshot();
  std::set<std::size_t> cuts = {0, 1, n / 7, n / 3, n / 2, (2 * n) / 3, n - 1, n};
  if (n <= 64)
    for (std::size_t c = 0; c <= n; ++c)
      cuts.insert(c);
  for (const std::size_t cut : cuts) {
    const run head = s.after(cut);
    const auto snap = head.snapshot();
    run tail = s.make();
    BOOST_TEST_REQUIRE(tail.restore(snap, head.tables), name << " cut " << cut);
    BOOST_TEST(tail.snapshot() == snap, name << " cut " << cut);
    tail.feed(s.log, cut, n);
    BOOST_TEST((tail.outputs() == full.outputs(cut)), name << " diverged after cut " << cut);
    BOOST_TEST(tail.snapshot() == full_snapshot, name << " cut " << cut);
    BOOST_TEST((tail.tables.tables() == full.tables.tables()), name << " cut " << cut);
  }
}

BOOST_DATA_TEST_CASE(damaged_and_foreign_snapshots_are_refused, data::make(kind_names()), name) {
  const subject s(name);
  const auto good = s.after(s.log.size() / 2).snapshot();
  BOOST_TEST_REQUIRE(good.size() > 8u);
  run target = s.after(std::min<std::size_t>(10, s.log.size()));
  const auto before = target.snapshot();
  auto refused = [&](const bytes& b) {
    const bool ok = target.agent->restore(b.data(), b.size());
    return !ok && target.snapshot() == before;
  };

  BOOST_TEST(!target.agent->restore(nullptr, 0));
  BOOST_TEST(refused(bytes{}));
  // Every truncation, and a trailing byte.
  for (std::size_t n = 0; n < good.size(); ++n)
    BOOST_TEST_REQUIRE(refused(bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n))),
                       name << " accepted a prefix of " << n << " bytes");
  auto longer = good;
  longer.push_back(0);
  BOOST_TEST(refused(longer));
  // The root offset and the file identifier are never value bytes.
  for (std::size_t i = 0; i < 8; ++i)
    for (const std::uint8_t mask : {0x10, 0x20, 0x5a}) {
      auto flipped = good;
      flipped[i] ^= mask;
      BOOST_TEST_REQUIRE(refused(flipped), name << " accepted a flip at " << i);
    }
  // Elsewhere a flip is refused, or it changed a value and the agent holds a valid state: its
  // snapshot restores into a fresh agent, byte for byte (bit rot is the snapshot record's
  // CRC-32C to catch). Nothing is read out of bounds.
  for (std::size_t i = 8; i < good.size(); i += 1 + good.size() / 400)
    for (const std::uint8_t mask : {0x04, 0x5a}) {
      auto flipped = good;
      flipped[i] ^= mask;
      if (refused(flipped)) continue;
      const auto now = target.snapshot();
      run fresh = s.make();
      BOOST_TEST_REQUIRE(fresh.agent->restore(now.data(), now.size()), name << " flip at " << i);
      BOOST_TEST_REQUIRE(fresh.snapshot() == now, name << " flip at " << i);
      BOOST_TEST_REQUIRE(target.agent->restore(before.data(), before.size()));
    }
  // Another kind's snapshot.
  for (const auto& other : agent_kinds()) {
    if (other.name == name) continue;
    const auto* in = find_inputs(other.name);
    BOOST_TEST_REQUIRE(in != nullptr);
    const auto foreign = run(other, in->settings).snapshot();
    BOOST_TEST(refused(foreign), name << " accepted a snapshot of " << other.name);
  }
  // Random bytes, with and without the right root offset and identifier.
  std::uint64_t x = 11;
  for (int round = 0; round < 200; ++round) {
    bytes garbage(static_cast<std::size_t>(16 + round * 3));
    for (auto& g : garbage)
      g = static_cast<std::uint8_t>((x = aetherial::schemas::mix64(x)) & 0xff);
    BOOST_TEST_REQUIRE(refused(garbage), name << " round " << round);
    std::copy(good.begin(), good.begin() + 8, garbage.begin());
    BOOST_TEST_REQUIRE(refused(garbage), name << " round " << round);
  }
  // And the good one is read.
  BOOST_TEST(target.agent->restore(good.data(), good.size()));
  BOOST_TEST(target.snapshot() == good);
}

BOOST_DATA_TEST_CASE(snapshots_below_the_min_state_version_are_refused, data::make(kind_names()),
                     name) {
  const subject s(name);
  const auto& magic = s.inputs->legacy_magic;
  BOOST_TEST_REQUIRE(magic.size() == 4u);
  const auto snap = s.after(s.log.size()).snapshot();
  // The first bytes tell the layouts apart: where a legacy snapshot has its version, a
  // FlatBuffers one has its file identifier.
  BOOST_TEST_REQUIRE(snap.size() > 8u);
  for (std::uint32_t v = 1; v < s.kind->min_state_version; ++v)
    BOOST_TEST(
        !std::equal(snap.begin() + 4, snap.begin() + 8, legacy_snapshot(magic, v, 0).begin() + 4));
  run target = s.after(std::min<std::size_t>(10, s.log.size()));
  const auto before = target.snapshot();
  run empty = s.make();
  const auto empty_before = empty.snapshot();
  for (std::uint32_t v = 1; v < s.kind->min_state_version; ++v)
    for (const std::size_t body : {0, 20, 56, 69, 73, 128}) {
      const auto old = legacy_snapshot(magic, v, body);
      BOOST_TEST(!target.agent->restore(old.data(), old.size()), name << " read version " << v);
      BOOST_TEST(target.snapshot() == before);
      BOOST_TEST(!empty.agent->restore(old.data(), old.size()), name << " read version " << v);
      BOOST_TEST(empty.snapshot() == empty_before);
    }
  // The current version is read.
  BOOST_TEST(target.agent->restore(snap.data(), snap.size()));
  BOOST_TEST(target.snapshot() == snap);
}

BOOST_DATA_TEST_CASE(a_snapshot_of_the_former_codec_is_refused,
                     data::make(kinds_with_a_former_snapshot()), name) {
  const subject s(name);
  for (const auto& file : s.inputs->former_snapshots) {
    run fresh = s.make();
    const auto before = fresh.snapshot();
    const auto old = former_snapshot(file);
    BOOST_TEST_REQUIRE(old.size() > 8u, file << " is missing");
    BOOST_TEST(!fresh.agent->restore(old.data(), old.size()), file);
    BOOST_TEST(fresh.snapshot() == before, file);
  }
}

BOOST_DATA_TEST_CASE(the_registry_declares_the_topics_and_one_state_version,
                     data::make(kind_names()), name) {
  const subject s(name);
  BOOST_TEST(s.kind->input_topics == s.inputs->input_topics, boost::test_tools::per_element());
  BOOST_TEST(s.kind->state_version == s.inputs->state_version);
  BOOST_TEST(s.kind->min_state_version == s.inputs->state_version);
  BOOST_TEST(s.inputs->codec_version == s.inputs->state_version);
  BOOST_TEST(s.inputs->codec_min_version == s.inputs->state_version);
}

BOOST_DATA_TEST_CASE(the_registry_describes_the_kind, data::make(kind_names()), name) {
  const auto* kind = find_agent_kind(name);
  BOOST_TEST_REQUIRE(kind != nullptr);
  BOOST_TEST(!kind->name.empty());
  BOOST_TEST(kind->name == name);
  BOOST_TEST(!kind->input_topics.empty());
  std::set<std::string> topics;
  for (const auto& t : kind->input_topics) {
    BOOST_TEST(!t.empty(), name);
    BOOST_TEST(topics.insert(t).second, name << " lists " << t << " twice");
  }
  BOOST_TEST(kind->min_state_version >= 1u);
  BOOST_TEST(kind->state_version >= kind->min_state_version);
  BOOST_TEST_REQUIRE(kind->make != nullptr);
  auto made = kind->make({});
  BOOST_TEST_REQUIRE((made != nullptr));
  const auto snap = made->snapshot();
  BOOST_TEST(made->restore(snap.data(), snap.size()));
  BOOST_TEST(made->snapshot() == snap);
  BOOST_TEST_REQUIRE(kind->check_settings != nullptr, name << " checks no settings");
  BOOST_TEST(kind->check_settings({}).empty());
  BOOST_TEST(!kind->check_settings({{name + ".no_such_setting", "1"}}).empty());
  // The suite's settings for the kind are valid ones.
  BOOST_TEST(kind->check_settings(find_inputs(name)->settings).empty());
  BOOST_TEST(find_agent_kind("no_such_kind") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
