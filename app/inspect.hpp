#pragma once
// `aetherial snapshot ls|show`: what the snapshot store of a node holds, as text, and the
// state of a snapshot rendered as JSON with the agent kind's state schema.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "actors/agent.hpp"
#include "storage/snapshot_store.hpp"

namespace aetherial::app {

/// What a command prints and how it ends.
struct command_output {
  int exit_code = 0;
  std::string out; ///< for stdout
  std::string err; ///< for stderr
};

/// An agent state rendered as JSON, or why it cannot be.
struct state_json {
  bool ok = false;
  std::string json;    ///< the state in FlatBuffers' JSON form, when ok
  std::string problem; ///< why not (unknown kind, does not verify against the schema)
};

/// Renders the state bytes of a snapshot of agent kind `kind` (schemas/state/<kind>.fbs).
[[nodiscard]] state_json render_state(const std::string& kind, const std::uint8_t* data,
                                      std::size_t size);

/// Renders one row of a table of agent kind `kind` whose values are the FlatBuffers table
/// `row_type` of the kind's state schema (actors::table_decl).
[[nodiscard]] state_json render_row(const std::string& kind, const std::string& row_type,
                                    const std::uint8_t* data, std::size_t size);

/// What `snapshot show` prints of the tables of `kind` at `snap`: whether the stored rows
/// belong to it, and per table its row count and the first `max_rows` rows as JSON.
[[nodiscard]] std::string format_tables(const storage::snapshot_store& store,
                                        const actors::agent_kind& kind,
                                        const storage::snapshot& snap, std::size_t max_rows);

/// The table `snapshot ls` prints: one line per stored snapshot, corrupt ones included.
[[nodiscard]] std::string format_listing(const std::vector<storage::snapshot_info>& snapshots);

/// What `snapshot show` prints of a snapshot: its header, offsets and the state as JSON.
[[nodiscard]] std::string format_snapshot(const storage::snapshot& snap,
                                          std::size_t corrupt_skipped);

/// `snapshot ls` over an open store.
[[nodiscard]] command_output list_snapshots(const storage::snapshot_store& store);

/// `snapshot show`: the newest valid snapshot of (agent, partition) and its tables (the first
/// `max_rows` rows of each); exit 1 when none.
[[nodiscard]] command_output show_snapshot(const storage::snapshot_store& store,
                                           const std::string& agent, std::int32_t partition,
                                           std::size_t max_rows = 10);

/// The store of a node's data directory (<data_dir>/snapshots), its sealed state opened with
/// the keys of `key_file` ("": none), then `f` over it; exit 2 when either cannot be opened.
[[nodiscard]] command_output
with_store(const std::string& data_dir, const std::string& key_file,
           const std::function<command_output(const storage::snapshot_store&)>& f);

} // namespace aetherial::app
