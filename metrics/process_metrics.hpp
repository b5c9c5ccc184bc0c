#pragma once

/// The standard process metrics every Prometheus client library exports
/// (`process_*`, without the gateway's prefix, so that the usual
/// dashboards and alerts work), read from /proc/self at each scrape.

#include <cstdint>
#include <optional>
#include <string>

namespace usms {

/// What /proc says about this process now.
struct process_figures {
  double cpu_seconds = 0;       ///< user + system CPU time
  int64_t resident_bytes = 0;   ///< resident set size
  int64_t virtual_bytes = 0;    ///< virtual memory size
  int64_t open_fds = 0;         ///< open file descriptors
  int64_t max_fds = 0;          ///< the soft limit on them
  double start_time_seconds = 0; ///< when the process started (unix time)
};

/// Reads the figures; nullopt when /proc cannot be read (not Linux, or a
/// sandbox without it).
std::optional<process_figures> read_process_figures();

/// Appends the `process_*` families (nothing when /proc cannot be read).
void render_process_metrics(std::string& out);

} // namespace usms
