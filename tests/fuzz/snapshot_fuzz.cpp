// Fuzz target: bytes as a stored snapshot. First as a SnapshotRecord (storage/snapshot.hpp,
// what recovery reads from RocksDB and the snapshots topic), then as the state of each of the
// seven agent kinds, through `agent::restore` as recovery calls it (each kind's
// `decode_state`, actors/*/state_codec.hpp, i.e. kit::decode_exact, plus the indexes a kind
// rebuilds after a restore). Invariants: a decoded record re-encodes to a record that decodes
// to the same snapshot and encodes to the same bytes; a restored state snapshots to exactly
// the bytes it was restored from (what decode_exact promises).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "actors/registry.hpp"
#include "storage/snapshot.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace aetherial;

bool same(const storage::snapshot& a, const storage::snapshot& b) {
  return a.agent == b.agent && a.partition == b.partition && a.state_version == b.state_version &&
         a.offsets == b.offsets && a.journal_seq == b.journal_seq &&
         a.events_applied == b.events_applied && a.last_event_time_ms == b.last_event_time_ms &&
         a.state == b.state;
}

void snapshot_record(const std::uint8_t* data, std::size_t size) {
  auto decoded = storage::decode_snapshot(data, size);
  if (!decoded) {
    fuzz::require(!decoded.error_value().message.empty(), "a refused snapshot says why");
    return;
  }
  const auto bytes = storage::encode_snapshot(decoded.value());
  auto again = storage::decode_snapshot(bytes.data(), bytes.size());
  fuzz::require(again.has_value(), "a re-encoded snapshot decodes");
  fuzz::require(same(decoded.value(), again.value()), "a re-encoded snapshot decodes the same");
  fuzz::require(storage::encode_snapshot(again.value()) == bytes, "snapshot encoding is stable");
}

struct hosted {
  const actors::agent_kind* kind;
  std::unique_ptr<actors::agent> agent;
};

std::vector<hosted> make_agents() {
  std::vector<hosted> out;
  for (const auto& k : actors::agent_kinds())
    out.push_back({&k, k.make(fuzz::agent_settings())});
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<hosted> agents = make_agents();
  snapshot_record(data, size);
  for (const auto& a : agents) {
    if (!a.agent->restore(data, size)) continue;
    const auto back = a.agent->snapshot();
    fuzz::require(back.size() == size && std::equal(back.begin(), back.end(), data),
                  "a restored state snapshots to the bytes it came from", a.kind->name);
  }
  return 0;
}
