#include "topics/catalog.hpp"

#include <algorithm>

namespace aetherial::topics {

namespace {

struct entry {
  std::string_view name;
  std::string_view content;
  bool compacted;
  bool agent_input;
};

// The topics of docs/ARCHITECTURE.md, plus the journal each agent host writes its processing
// order to.
constexpr entry entries[] = {
    {"platform.metrics", "service load samples: rps, cpu, latency, errors, replicas", false, true},
    {"platform.health", "incidents and log signals: db timeout, 5xx burst, disk full", false, true},
    {"platform.activity", "user activity: login, page view, feature use, purchase", false, true},
    {"platform.requests", "request summaries for security: ip, user, path, params, status", false,
     true},
    {"platform.content", "posts, comments, course texts, image metadata to moderate", false, true},
    {"platform.support", "user messages to support; knowledge-base articles", false, true},
    {"platform.dev", "CI/CD and repository events: builds, tests, deploys, reviews", false, true},
    {"platform.feedback", "thumbs up/down, ratings, moderator labels on agent outputs", false,
     true},
    {"platform.reference",
     "what every partition needs: knowledge-base articles, roles, blocklists, model tiers "
     "(copied to aetherial.broadcast)",
     false, false},
    {"aetherial.commands", "chat and admin commands (principal, role, text)", false, true},
    {"aetherial.tasks", "work the orchestrator hands to agents, and their outcomes", false, true},
    {"aetherial.broadcast",
     "every record of platform.reference, copied to every partition by the nodes' broadcaster",
     false, true},
    {"aetherial.repartition",
     "events an agent re-keys for another partition of its kind (Security: requests by account)",
     false, true},
    {"aetherial.decisions", "every decision of every agent, with its causation id", false, false},
    {"aetherial.replies", "answers to commands and support messages", false, false},
    {"aetherial.effects", "effect requests", false, false},
    {"aetherial.effect-results", "recorded results of effect requests", false, true},
    {"aetherial.telemetry", "the runtime's own lag, restarts, throughput; input to Operations",
     false, true},
    {"aetherial.snapshots", "latest snapshot per (agent, partition), for handoff between nodes",
     true, false},
    {"aetherial.changelog",
     "changed table rows of the agents that keep tables, per (agent, partition, row), to restore "
     "them on another node",
     true, false},
    {"aetherial.journal", "the processing order of each agent host, for replay and audit", false,
     false},
    {"aetherial.dlq", "dead letters, with reason, source topic/partition/offset in headers", false,
     false},
};

} // namespace

catalog::catalog(std::string prefix, int partitions, int replication_factor)
    : prefix_(std::move(prefix)), partitions_(partitions), replication_factor_(replication_factor) {
  topics_.reserve(std::size(entries));
  for (const auto& e : entries)
    topics_.push_back(
        topic_spec{std::string(e.name), std::string(e.content), e.compacted, e.agent_input});
}

std::string catalog::name(std::string_view logical) const {
  std::string out;
  out.reserve(prefix_.size() + logical.size());
  out += prefix_;
  out += logical;
  return out;
}

std::optional<topic_spec> catalog::find(std::string_view logical) const {
  auto it = std::find_if(topics_.begin(), topics_.end(),
                         [&](const topic_spec& t) { return t.name == logical; });
  if (it == topics_.end()) return std::nullopt;
  return *it;
}

} // namespace aetherial::topics
