#pragma once
// The agent's "services" table: one row per service (its scaling state and newest load
// sample), so the state grows with the platform without growing the snapshot. Read and written
// through the context's tables (actors/table.hpp); the snapshot keeps only what is small.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "actors/kit/row_cache.hpp"
#include "actors/operations/config.hpp"
#include "actors/operations/state.hpp"
#include "actors/table.hpp"

namespace aetherial::actors::operations {

/// Name of the table, keyed by service name.
inline constexpr std::string_view services_table = "services";

/// One service's row.
struct service_row {
  std::optional<service_scaling> scaling; ///< none until a sample or policy created it
  std::optional<service_reading> reading; ///< the newest sample that passed the checks
};

/// Whether `name` can key a service: not empty, within the table key limit. Events naming
/// anything else are ignored, as events with impossible values are.
[[nodiscard]] bool valid_service_name(std::string_view name) noexcept;

/// The stored form of a row and back (tests compare rows by their bytes).
[[nodiscard]] bytes encode_row(const service_row& row);
[[nodiscard]] service_row decode_row(const bytes& value);

/// Whether a row holds nothing (it is then not stored).
[[nodiscard]] inline bool empty_row(const service_row& row) noexcept {
  return !row.scaling && !row.reading;
}

/// The services table, its rows kept decoded between events and written back when the agent
/// flushes (kit::row_cache).
using service_rows = kit::row_cache<service_row, &encode_row, &decode_row, &empty_row>;

/// Rows an Operations agent keeps decoded: a service's row costs a decode when first used
/// and an encode per checkpoint, not per event.
inline constexpr std::size_t cached_service_rows = 8192;

/// Every service's row, by name (for answers that look across all services); `rows` is
/// flushed first.
[[nodiscard]] std::map<std::string, service_row> load_services(service_rows& rows,
                                                               table_store& tables);

/// The scaling entry of a row, created with the configured defaults when there is none.
[[nodiscard]] service_scaling& service_entry(std::optional<service_scaling>& scaling,
                                             const autoscaling_config& cfg);

} // namespace aetherial::actors::operations
