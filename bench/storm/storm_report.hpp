#pragma once

/// The storm's report: JSON, a table for the terminal, and a
/// self-contained HTML page with inline SVG charts (no internet needed).

#include <string>
#include <vector>

#include "bench/storm/storm_runner.hpp"

namespace usms::bench {

/// Another way to make the same calls (a bare SOAP client, wrk), measured
/// by its own script and read from its JSON file:
/// `{"name", "completed", "seconds", "per_second", "concurrency", "errors",
///   "note"}`.
struct peer_figures {
  std::string name;
  long long completed = 0;
  double seconds = 0;
  double per_second = 0;
  int concurrency = 0;
  long long errors = 0;
  std::string note;
};

/// Reads one peer's JSON file; the error says what is wrong.
usms::result<peer_figures> read_peer(const std::string& name,
                                     const std::string& path);

/// What was run, for the report's header.
struct run_meta {
  std::string storm;   ///< file or shape description
  std::string command; ///< the command line
  std::string machine; ///< CPU, cores, memory, load
};

std::string report_json(const run_result& r, const run_meta& meta,
                        const std::vector<peer_figures>& peers);
std::string report_table(const run_result& r, const run_meta& meta,
                         const std::vector<peer_figures>& peers);
std::string report_html(const run_result& r, const run_meta& meta,
                        const std::vector<peer_figures>& peers);

} // namespace usms::bench
