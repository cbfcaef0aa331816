#pragma once
// Node configuration: every key, its default beside it. Read from a config file, the
// environment (AETHERIAL_*) and flags, in increasing precedence (cli.cpp wires them).

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/agent.hpp"
#include "runtime/identity.hpp"
#include "schemas/limits.hpp"

namespace aetherial::runtime {

/// The delivery guarantee of a node.
enum class guarantee {
  at_least_once, ///< checkpoint = journal + snapshot, flush, then commit offsets
  exactly_once,  ///< outputs, journal, snapshot and offsets in one Kafka transaction
};

/// "at_least_once" / "exactly_once".
[[nodiscard]] std::string_view to_string(guarantee g) noexcept;
/// The guarantee named `name`; nullopt for anything else.
[[nodiscard]] std::optional<guarantee> parse_guarantee(std::string_view name) noexcept;

/// Restart policy of a supervisor. Defaults beside each field.
struct restart_policy {
  std::chrono::milliseconds initial_backoff{100}; ///< first restart delay; default 100 ms
  std::chrono::milliseconds max_backoff{10000};   ///< cap of the doubling; default 10 s
  int max_failures = 5;                           ///< failures in `window` to quarantine; 5
  std::chrono::milliseconds window{60000};        ///< failure window; default 60 s
};

/// Configuration of one `aetherial run` process.
struct node_options {
  std::string brokers;                     ///< bootstrap servers; "" = embedded broker
  std::string topic_prefix;                ///< prepended to every topic name; default ""
  int partitions = 4;                      ///< partitions of created topics; default 4
  int replication_factor = 1;              ///< of created topics; default 1
  std::string group = "aetherial";         ///< consumer group prefix; default "aetherial"
  std::string data_dir = "aetherial-data"; ///< RocksDB snapshots; default ./aetherial-data
  int metrics_port = 9464;                 ///< /metrics, /healthz, /readyz; -1 disables; 9464
  std::string metrics_bind = "127.0.0.1";  ///< metrics bind address: loopback unless configured
  /// /healthz fails when a coordinator loop has not ticked for this long; default 30 s.
  int health_tick_seconds = 30;
  /// /readyz fails when a partition with lag has applied nothing for this long; default 60 s.
  int health_stall_seconds = 60;
  runtime::guarantee guarantee = guarantee::at_least_once; ///< default at_least_once
  std::size_t checkpoint_events = 10000; ///< events per partition between checkpoints (mean)
  int checkpoint_interval_ms = 5000;     ///< or after this long; default 5000
  /// An agent state larger than this is spilled into table rows of this size, so no snapshot
  /// record passes it (runtime/state_spill.hpp); default 256 KiB.
  std::size_t state_chunk_bytes = 256 * 1024;
  std::size_t max_inflight = 20000; ///< unacknowledged records before pausing; 20000
  schemas::input_limits limits;     ///< inbound records outside them are dead-lettered
  int retry_limit = 3;              ///< attempts before a poison event is dead-lettered
  restart_policy restart;           ///< supervisor backoff and quarantine
  /// Times `aetherial run` starts a failed node again (within 10 minutes) before exiting
  /// non-zero; default 5, 0 exits at the first failure.
  int node_restarts = 5;
  /// Fault injection for tests: the process aborts when an agent applies a record with this
  /// key (a record that crashes the process). Empty: off.
  std::string fault_crash_on_key;
  int telemetry_interval_ms = 5000; ///< runtime telemetry period; 0 disables; 5000
  /// This node's stable name (consumer group instance, transactional id); default: the
  /// host name and a hash of the data directory, so a restarted node is the same member.
  std::string instance_id;
  bool static_membership = true;          ///< rejoin as the same group member after a restart; true
  std::vector<std::string> agents{"all"}; ///< agent kinds to run; "all" = every built-in kind
  std::size_t keep_snapshots = 3;         ///< snapshots kept per partition; default 3
  /// Keys sealing snapshot state at rest (storage/cipher.hpp's file format); "": in clear.
  std::string snapshot_key_file;
  std::map<std::string, std::string> kafka_properties; ///< extra librdkafka properties
  /// Public keys of identity tokens (a JWKS file or PEM public keys); "": none, and every
  /// command and approval is refused unless `tokens.allow_unsigned`.
  std::string token_keys;
  token_policy tokens;       ///< issuer, audience, leeway; development mode
  int scheduler_threads = 0; ///< CAF workers; 0 = number of cores
  /// CAF's scheduler: "sharing" (one queue; idle workers sleep until woken) or "stealing"
  /// (a queue per worker; idle workers poll, then nap). Sharing measured faster and cheaper
  /// where the cores are few and shared with the broker (bench/README.md).
  std::string scheduler_policy = "sharing";
  /// Agent settings ("analytics.salt" -> ...); secrets come from the environment or files.
  actors::agent_settings agent_settings;
  /// Agent kinds beyond the built-in ones, for programs that embed the runtime.
  std::vector<actors::agent_kind> extra_kinds;
};

/// The agent kind called `name`: an extra kind of `o`, else a built-in one; null if none.
[[nodiscard]] const actors::agent_kind* resolve_kind(const node_options& o,
                                                     const std::string& name);

/// Replaces "all" in `agents` with every built-in kind (and the extra kinds).
void expand_agents(node_options& o);

/// Checks the options; returns one message per problem, each saying what to fix.
[[nodiscard]] std::vector<std::string> validate(const node_options& o);

} // namespace aetherial::runtime
