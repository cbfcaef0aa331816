#include "runtime/errc.hpp"

namespace aetherial::runtime {

const char* errc_name(errc e) noexcept {
  switch (e) {
    case errc::journal_unreadable: return "journal_unreadable";
    case errc::configuration: return "configuration";
    case errc::host_unavailable: return "host_unavailable";
    case errc::checkpoint_write: return "checkpoint_write";
    case errc::flush_failed: return "flush_failed";
    case errc::transaction_aborted: return "transaction_aborted";
    case errc::transaction_fatal: return "transaction_fatal";
    case errc::snapshot_unreadable: return "snapshot_unreadable";
    case errc::replay_impossible: return "replay_impossible";
    case errc::snapshot_too_old: return "snapshot_too_old";
    case errc::changelog_corrupt: return "changelog_corrupt";
  }
  return "unknown";
}

} // namespace aetherial::runtime
