#pragma once
// Forward declarations of the runtime's types, so that headers that only name them (options,
// node) pull in neither CAF nor prometheus-cpp.

namespace aetherial::runtime {

class metrics;
class node;
class partition_ledger;
class record_sink;
class checkpoint_io;
class recovery_sources;
struct audit_options;
struct audit_report;
struct coordinator_env;
struct host_env;
struct node_options;
struct prepared_checkpoint;
struct recovery_plan;
struct recovery_request;
struct restart_policy;
struct supervisor_env;
enum class guarantee;
enum class errc : int;

} // namespace aetherial::runtime
