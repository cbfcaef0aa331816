// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/) and their
// dictionaries from the project's own data: each agent kind's conformance input log
// (tests/actors/conformance), the states the agents reach on it, and the intent grammar.
//
// Usage: aetherial_fuzz_seeds <tests/fuzz directory>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/orchestrator/intent_rules.hpp"
#include "actors/registry.hpp"
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
    const auto log = in.events();
    // States after the first event, a third of the log and all of it.
    const std::set<std::size_t> cuts = {1, log.size() / 3, log.size()};
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
      agent->on_event(*env, ctx);
      if (cuts.count(++n) != 0) {
        const auto state = agent->snapshot();
        const std::string name = in.kind + "-" + std::to_string(n);
        write(dir_snap + name + ".state", state);
        if (n == log.size()) {
          storage::snapshot s;
          s.agent = in.kind;
          s.partition = 3;
          s.state_version = kind->state_version;
          for (std::size_t i = 0; i < in.input_topics.size(); ++i)
            s.offsets.push_back({in.input_topics[i], 3, static_cast<std::int64_t>(n * (i + 1))});
          s.journal_seq = n;
          s.events_applied = n;
          s.last_event_time_ms = env->event_time_ms();
          s.state = state;
          write(dir_snap + in.kind + ".snap", storage::encode_snapshot(s));
        }
      }
    }
  }
  // An empty state of each kind, and a record around nothing.
  for (const auto& k : actors::agent_kinds())
    write(dir_snap + k.name + "-0.state", k.make(fuzz::agent_settings())->snapshot());

  // Commands: what the conformance logs say, and every phrase of the grammar.
  int cmd_n = 0;
  for (const auto& c : commands)
    write(dir_cmd + "log-" + std::to_string(cmd_n++) + ".txt", c);
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
