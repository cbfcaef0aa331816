// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/) and their
// dictionaries from the project's own data: each agent kind's conformance input log
// (tests/actors/conformance), the states the agents reach on it, and the intent grammar.
//
// Usage: aetherial_fuzz_seeds <tests/fuzz directory>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/orchestrator/intent_rules.hpp"
#include "actors/registry.hpp"
#include "actors/table.hpp"
#include "schemas/json.hpp"
#include "storage/snapshot.hpp"
#include "tests/actors/conformance/inputs.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace aetherial;
using bytes = std::vector<std::uint8_t>;

void write(const std::string& path, const void* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::cerr << "cannot write " << path << "\n";
    std::exit(1);
  }
}

void write(const std::string& path, const bytes& b) {
  write(path, b.data(), b.size());
}
void write(const std::string& path, const std::string& s) {
  write(path, s.data(), s.size());
}

/// A dictionary entry: the text quoted, with `"` and `\` escaped.
std::string dict_entry(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// JSON examples the README and the schema tests use (README.md, tests/schemas/envelope_test.cpp).
const std::vector<std::string> documented_json = {
    R"({"key":"web","type":"ServiceLoad","payload":{"service":"web","replicas":2,"cpu_utilization":0.93}})",
    R"({"key":"web","type":"Task","payload":{"task_id":"t1","type":"development.deploy","target":"development","priority":5}})",
    R"({"id":"0123456789abcdef0123456789abcdef","key":"c1","type":"Reply","payload":{"conversation_id":"c1","agent":"support","text":"hi","status":"answered"}})",
};

/// The largest state written as a seed.
constexpr std::size_t max_seed_bytes = 16 * 1024;

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: aetherial_fuzz_seeds <tests/fuzz directory>\n";
    return 2;
  }
  const std::string root = std::string(argv[1]) + "/corpus/";
  const std::string dir_env = root + "envelope/", dir_json = root + "json/",
                    dir_snap = root + "snapshot/", dir_cmd = root + "command/";

  std::set<std::string> payloads_seen; // the first envelope of each payload type is a seed
  std::set<std::string> commands;
  int json_n = 0;
  for (const auto& doc : documented_json)
    write(dir_json + "doc-" + std::to_string(json_n++) + ".json", doc);

  for (const auto& in : actors::conformance::all_inputs()) {
    const auto* kind = actors::find_agent_kind(in.kind);
    auto agent = kind->make(fuzz::agent_settings());
    actors::memory_table_store tables;
    const auto log = in.events();
    // States after the first event, a tenth, a third and all of the log, those of at most
    // 16 KiB (larger seeds slow every execution down); a record around the last of them.
    const std::set<std::size_t> cuts = {1, log.size() / 10, log.size() / 3, log.size()};
    storage::snapshot record;
    std::size_t n = 0;
    for (const auto& ev : log) {
      std::string why;
      const auto* env = schemas::verify_envelope(ev.data(), ev.size(), ~std::size_t{0}, &why);
      if (env == nullptr) {
        std::cerr << in.kind << ": input " << n << " does not verify: " << why << "\n";
        return 1;
      }
      const std::string type(schemas::payload_name(env->payload_type()));
      if (payloads_seen.insert(type).second) {
        write(dir_env + type + ".fb", ev);
        write(dir_json + type + ".json", schemas::envelope_to_json(ev.data(), ev.size()));
      }
      if (const auto* cmd = env->payload_as_Command(); cmd && cmd->text())
        commands.insert(cmd->text()->str());
      actors::context ctx(in.kind, *env);
      ctx.set_tables(&tables);
      agent->on_event(*env, ctx);
      if (cuts.count(++n) == 0) continue;
      agent->flush(tables);
      const auto state = agent->snapshot();
      if (state.size() > max_seed_bytes) continue;
      write(dir_snap + in.kind + "-" + std::to_string(n) + ".state", state);
      record.agent = in.kind;
      record.partition = 3;
      record.state_version = kind->state_version;
      record.offsets.clear();
      for (std::size_t i = 0; i < in.input_topics.size(); ++i)
        record.offsets.push_back({in.input_topics[i], 3, static_cast<std::int64_t>(n * (i + 1))});
      record.journal_seq = n;
      record.events_applied = n;
      record.last_event_time_ms = env->event_time_ms();
      record.state = state;
    }
    write(dir_snap + in.kind + ".snap", storage::encode_snapshot(record));
  }
  // An empty state of each kind, and a record around nothing.
  for (const auto& k : actors::agent_kinds())
    write(dir_snap + k.name + "-0.state", k.make(fuzz::agent_settings())->snapshot());

  // Commands: what the conformance logs say, the phrasings of the grammar's tests (the first
  // string argument of each `understood("...")` and `parse("...")`), and every phrase of the
  // grammar as a dictionary.
  int cmd_n = 0;
  for (const auto& c : commands)
    write(dir_cmd + "log-" + std::to_string(cmd_n++) + ".txt", c);
  {
    std::ifstream in(std::string(AETHERIAL_SOURCE_DIR) +
                     "/tests/actors/orchestrator/grammar_test.cpp");
    const std::string src((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::set<std::string> phrasings;
    for (const std::string call : {"understood(\"", "parse(\""})
      for (auto at = src.find(call); at != std::string::npos; at = src.find(call, at + 1)) {
        const auto begin = at + call.size();
        const auto end = src.find('"', begin);
        if (end != std::string::npos && commands.count(src.substr(begin, end - begin)) == 0)
          phrasings.insert(src.substr(begin, end - begin));
      }
    int n = 0;
    for (const auto& p : phrasings)
      write(dir_cmd + "grammar-" + std::to_string(n++) + ".txt", p);
  }
  std::set<std::string> words;
  for (const auto& r : actors::orchestrator::rules()) {
    auto add = [&](const actors::orchestrator::phrase& p) {
      std::string joined;
      for (const auto& w : p)
        joined += (joined.empty() ? "" : " ") + w;
      words.insert(joined);
    };
    for (const auto& g : r.required)
      for (const auto& p : g)
        add(p);
    for (const auto& p : r.boosts)
      add(p);
    for (const auto& p : r.vetoes)
      add(p);
  }
  std::string dict = "# The intent grammar's phrases (generated by aetherial_fuzz_seeds).\n";
  for (const auto& w : words)
    dict += dict_entry(w) + "\n";
  write(std::string(argv[1]) + "/command.dict", dict);

  // JSON: the envelope's field names and every payload type name.
  std::string jdict = "# JSON tokens, envelope fields, payload types (generated by "
                      "aetherial_fuzz_seeds).\n";
  for (const char* t : {"{", "}", "[", "]", ":", ",", "\"", "true", "false", "null", "-0", "1e308",
                        "\\u0000", "\\ud800"})
    jdict += dict_entry(t) + "\n";
  for (const char* f : {"id", "schema_version", "key", "event_time_ms", "principal", "causation_id",
                        "correlation_id", "payload_type", "type", "payload", "hi", "lo"})
    jdict += dict_entry(std::string("\"") + f + "\"") + "\n";
  for (auto p = static_cast<int>(schemas::fbs::Payload::MIN) + 1;
       p <= static_cast<int>(schemas::fbs::Payload::MAX); ++p)
    jdict += dict_entry(std::string("\"") +
                        std::string(schemas::payload_name(static_cast<schemas::fbs::Payload>(p))) +
                        "\"") +
             "\n";
  write(std::string(argv[1]) + "/json.dict", jdict);
  std::cout << payloads_seen.size() << " payload types, " << commands.size() << " commands, "
            << words.size() << " grammar phrases\n";
  return 0;
}
