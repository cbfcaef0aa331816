#pragma once
// The runtime's error codes: every `error{"runtime", code, message}` it returns names one.

#include <string>

#include "schemas/result.hpp"

namespace aetherial::runtime {

/// What went wrong, by kind; the message says what and what to do.
enum class errc : int {
  journal_unreadable = 1,  ///< the journal (or a topic read with it) could not be read
  configuration = 2,       ///< start-up refused: a bad option or an unreachable dependency
  host_unavailable = 3,    ///< a host did not hand over its state for a checkpoint
  checkpoint_write = 4,    ///< a journal or snapshot record was not accepted by Kafka
  flush_failed = 5,        ///< emitted records were not acknowledged before the commit
  transaction_aborted = 6, ///< the transaction failed and was rolled back: re-apply tails
  transaction_fatal = 7,   ///< abort/begin failed: the producer is unusable, the node must exit
  snapshot_unreadable = 8, ///< no snapshot source could be read
  replay_impossible = 9,   ///< the journal names records the log no longer has
  snapshot_too_old = 10,   ///< a snapshot's state version is older than the kind reads
  changelog_corrupt = 11,  ///< a changelog record is not one the runtime wrote
};

/// The code's name ("transaction_fatal").
[[nodiscard]] const char* errc_name(errc e) noexcept;

/// An error of the runtime module.
[[nodiscard]] inline error make_error(errc e, std::string message) {
  return error{"runtime", static_cast<int>(e), std::move(message)};
}

/// Whether `e` is a runtime error with code `c`.
[[nodiscard]] inline bool is(const error& e, errc c) noexcept {
  return e.module == "runtime" && e.code == static_cast<int>(c);
}

} // namespace aetherial::runtime
