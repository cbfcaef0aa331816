#include "app/inspect.hpp"

#include <cstdio>
#include <map>
#include <memory>

#include <flatbuffers/idl.h>
#include <flatbuffers/reflection.h>

#include "actors/kit/expiry_index.hpp"
#include "actors/registry.hpp"
#include "runtime/host_tables.hpp"
#include "runtime/state_spill.hpp"
#include "schemas/schema_text.hpp"
#include "storage/cipher.hpp"

namespace aetherial::app {
namespace {

/// A kind's state schema, parsed once per thread, with its binary form for verification.
struct state_schema {
  std::unique_ptr<flatbuffers::Parser> parser;
  std::vector<std::uint8_t> binary;
  std::string problem; ///< why it is unusable (empty when fine)
};

// `root`: the table to read buffers as ("": the schema's root type, the state).
const state_schema* schema_of(const std::string& kind, const std::string& root = {}) {
  thread_local std::map<std::string, state_schema> cache;
  const std::string id = kind + "/" + root;
  if (auto it = cache.find(id); it != cache.end()) return &it->second;
  const char* text = nullptr;
  for (const auto& s : schemas::state_fbs_texts)
    if (s.kind == kind) text = s.text;
  if (text == nullptr) return nullptr;
  state_schema s;
  flatbuffers::IDLOptions opts;
  opts.strict_json = true;
  opts.indent_step = 2;
  s.parser = std::make_unique<flatbuffers::Parser>(opts);
  if (!s.parser->Parse(text)) {
    s.problem = "the state schema of " + kind + " does not parse: " + s.parser->error_;
  } else if (!root.empty() && !s.parser->SetRootType(root.c_str())) {
    s.problem = "the state schema of " + kind + " has no table " + root;
  } else {
    s.parser->Serialize();
    const auto* p = s.parser->builder_.GetBufferPointer();
    s.binary.assign(p, p + s.parser->builder_.GetSize());
  }
  return &cache.emplace(id, std::move(s)).first->second;
}

// Verifies `data` against the schema's root table and renders it as JSON.
state_json render(const state_schema& schema, const std::string& what, const std::uint8_t* data,
                  std::size_t size, const std::string& against) {
  state_json out;
  const auto* bin = reflection::GetSchema(schema.binary.data());
  if (bin->root_table() == nullptr ||
      !flatbuffers::Verify(*bin, *bin->root_table(), data, size, /*max_depth=*/64,
                           /*max_tables=*/100'000'000)) {
    out.problem = what + " does not verify against the " + against;
    return out;
  }
  if (!flatbuffers::GenerateText(*schema.parser, data, &out.json)) {
    out.problem = what + " cannot be rendered as JSON";
    return out;
  }
  while (!out.json.empty() && out.json.back() == '\n')
    out.json.pop_back();
  out.ok = true;
  return out;
}

// A JSON string of `key`: printable ASCII as it is, other bytes as \u00XX.
std::string json_key(std::string_view key) {
  std::string out = "\"";
  for (const unsigned char c : key) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

} // namespace

state_json render_state(const std::string& kind, const std::uint8_t* data, std::size_t size) {
  state_json out;
  const auto* schema = schema_of(kind);
  if (schema == nullptr) {
    out.problem = "no state schema for agent kind '" + kind + "'";
    return out;
  }
  if (!schema->problem.empty()) {
    out.problem = schema->problem;
    return out;
  }
  const auto& parser = *schema->parser;
  if (data == nullptr || size < 8 ||
      !flatbuffers::BufferHasIdentifier(data, parser.file_identifier_.c_str())) {
    out.problem = "the state is not a " + kind + " state (its file identifier is not \"" +
                  parser.file_identifier_ + "\")";
    return out;
  }
  return render(*schema, "the state", data, size, kind + " state schema");
}

state_json render_row(const std::string& kind, const std::string& row_type,
                      const std::uint8_t* data, std::size_t size) {
  state_json out;
  const auto* schema = schema_of(kind, row_type);
  if (schema == nullptr) {
    out.problem = "no state schema for agent kind '" + kind + "'";
    return out;
  }
  if (!schema->problem.empty()) {
    out.problem = schema->problem;
    return out;
  }
  if (data == nullptr || size < sizeof(flatbuffers::uoffset_t)) {
    out.problem = "the row is too short";
    return out;
  }
  return render(*schema, "the row", data, size, row_type + " schema");
}

std::string format_tables(const storage::snapshot_store& store, const actors::agent_kind& kind,
                          const storage::snapshot& snap, std::size_t max_rows) {
  if (kind.tables.empty()) return {};
  std::string out;
  const auto at = store.tables_at(snap.agent, snap.partition);
  if (!at) return "tables: not shown: " + at.error_value().message + "\n";
  if (!at.value()) {
    out += "tables: no rows stored (recovery rebuilds this partition from the log)\n";
  } else if (*at.value() != snap.journal_seq) {
    out += "tables: rows stored at journal seq " + std::to_string(*at.value()) +
           ", not at this snapshot's (recovery rebuilds this partition from the log)\n";
  } else {
    out += "tables: rows stored with this snapshot (journal seq " +
           std::to_string(snap.journal_seq) + ")\n";
  }
  for (const auto& t : kind.tables) {
    std::size_t rows = 0;
    std::string shown;
    auto r = store.table_scan(snap.agent, snap.partition, t.name, {}, {},
                              [&](std::string_view key, const std::vector<std::uint8_t>& value) {
                                if (rows++ >= max_rows) return true;
                                if (t.time_index) {
                                  const auto e = actors::kit::expiry_index::decode(key);
                                  shown +=
                                      "    " +
                                      (e ? "at " + std::to_string(e->at) + ": " + json_key(e->key)
                                         : json_key(key) + ": not an index entry") +
                                      "\n";
                                  return true;
                                }
                                if (t.row_type.empty()) {
                                  shown += "    " + json_key(key) + "\n";
                                  return true;
                                }
                                const auto row =
                                    render_row(kind.name, t.row_type, value.data(), value.size());
                                std::string text;
                                for (const char c : row.ok ? row.json : "not shown: " + row.problem)
                                  text += c == '\n' ? std::string("\n    ") : std::string(1, c);
                                shown += "    " + json_key(key) + ": " + text + "\n";
                                return true;
                              });
    if (!r) {
      out += "  " + t.name + ": not shown: " + r.error_value().message + "\n";
      continue;
    }
    out += "  " + t.name + ": " + std::to_string(rows) + (rows == 1 ? " row" : " rows") +
           (rows > max_rows ? " (the first " + std::to_string(max_rows) + " shown)" : "") + "\n";
    out += shown;
  }
  return out;
}

std::string format_listing(const std::vector<storage::snapshot_info>& snapshots) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-12s %9s %8s %10s %12s  %s\n", "AGENT", "PARTITION", "SEQ",
                "BYTES", "EVENTS", "OFFSETS / PROBLEM");
  out += line;
  for (const auto& s : snapshots) {
    std::string detail;
    if (s.valid && s.meta) {
      for (const auto& o : s.meta->offsets)
        detail +=
            o.topic + "/" + std::to_string(o.partition) + "@" + std::to_string(o.offset) + " ";
      if (!detail.empty()) detail.pop_back();
    } else {
      detail = "CORRUPT: " + s.problem;
    }
    std::snprintf(line, sizeof line, "%-12s %9d %8llu %10zu %12llu  ", s.agent.c_str(), s.partition,
                  static_cast<unsigned long long>(s.sequence), s.size_bytes,
                  static_cast<unsigned long long>(s.meta ? s.meta->events_applied : 0));
    out += line;
    out += detail;
    out += "\n";
  }
  return out;
}

std::string format_snapshot(const storage::snapshot& snap, std::size_t corrupt_skipped) {
  char head[1024];
  std::snprintf(head, sizeof head,
                "agent:           %s\npartition:       %d\nstate version:   %u\n"
                "events applied:  %llu\nlast event time: %lld\njournal seq:     %llu\n"
                "state bytes:     %zu\nsealed with:     %s\ncorrupt skipped: %zu\noffsets:\n",
                snap.agent.c_str(), snap.partition, snap.state_version,
                static_cast<unsigned long long>(snap.events_applied),
                static_cast<long long>(snap.last_event_time_ms),
                static_cast<unsigned long long>(snap.journal_seq), snap.state.size(),
                snap.sealed_with.empty() ? "(stored in clear)" : snap.sealed_with.c_str(),
                corrupt_skipped);
  std::string out = head;
  for (const auto& o : snap.offsets)
    out += "  " + o.topic + "/" + std::to_string(o.partition) + " next offset " +
           std::to_string(o.offset) + "\n";
  const auto state = render_state(snap.agent, snap.state.data(), snap.state.size());
  if (state.ok)
    out += "state:\n" + state.json + "\n";
  else
    out += "state: not shown: " + state.problem + "\n";
  return out;
}

command_output list_snapshots(const storage::snapshot_store& store) {
  command_output r;
  auto list = store.list();
  if (!list) {
    r.exit_code = 2;
    r.err = "aetherial snapshot: " + list.error_value().message + "\n";
    return r;
  }
  r.out = format_listing(list.value());
  return r;
}

command_output show_snapshot(const storage::snapshot_store& store, const std::string& agent,
                             std::int32_t partition, std::size_t max_rows) {
  command_output r;
  std::size_t corrupt = 0;
  auto s = store.latest_valid(agent, partition, {}, &corrupt);
  if (!s) {
    r.exit_code = 2;
    r.err = "aetherial snapshot: " + s.error_value().message + "\n";
    return r;
  }
  if (!s.value()) {
    r.exit_code = 1;
    r.err = "no valid snapshot of " + agent + "/" + std::to_string(partition) + " (" +
            std::to_string(corrupt) + " corrupt skipped)\n";
    return r;
  }
  storage::snapshot shown = *s.value();
  std::string spill_note;
  if (runtime::is_spilled(shown.state)) {
    // The state is in the `$state` rows stored with it.
    const runtime::host_tables rows(&store, agent, partition);
    auto whole = runtime::unspill_state(rows, shown.state);
    if (whole) {
      spill_note = "spilled:         the state (" + std::to_string(whole.value().size()) +
                   " bytes) is kept as $state rows\n";
      shown.state = std::move(whole.value());
    } else {
      spill_note = "spilled:         " + whole.error_value().message + "\n";
    }
  }
  r.out = spill_note + format_snapshot(shown, corrupt);
  if (const auto* kind = actors::find_agent_kind(agent))
    r.out += format_tables(store, *kind, *s.value(), max_rows);
  return r;
}

command_output with_store(const std::string& data_dir, const std::string& key_file,
                          const std::function<command_output(const storage::snapshot_store&)>& f) {
  storage::store_options opts;
  if (!key_file.empty()) {
    auto cipher = storage::state_cipher::load(key_file);
    if (!cipher) {
      command_output r;
      r.exit_code = 2;
      r.err = "aetherial snapshot: " + cipher.error_value().message + "\n";
      return r;
    }
    opts.cipher = std::move(cipher.value());
  }
  auto store = storage::snapshot_store::open(data_dir + "/snapshots", opts);
  if (!store) {
    command_output r;
    r.exit_code = 2;
    r.err = "aetherial snapshot: " + store.error_value().message + "\n";
    return r;
  }
  return f(*store.value());
}

} // namespace aetherial::app
