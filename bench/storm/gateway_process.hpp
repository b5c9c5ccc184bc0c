#pragma once

/// The gateway process as /proc shows it: resident memory and CPU time,
/// and which process it is.

#include <cstdint>

namespace usms::bench {

/// Figures of one process at one moment.
struct proc_figures {
  int64_t rss_kb = 0; ///< resident memory now
  int64_t hwm_kb = 0; ///< the most resident memory so far
  double cpu_s = 0;   ///< user + system CPU seconds so far
  bool ok = false;    ///< /proc could be read
};

/// Reads /proc/PID/status and /proc/PID/stat; not ok for pid <= 0 or a
/// process that is gone.
proc_figures read_proc(int pid);

/// The pid of the only process whose executable is named usms-gateway; 0
/// when there is none or more than one.
int find_gateway_pid();

} // namespace usms::bench
