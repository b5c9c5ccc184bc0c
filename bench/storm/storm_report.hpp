#pragma once

/// The storm's report: JSON, a table for the terminal, and a
/// self-contained HTML page with inline SVG charts (no internet needed).

#include <string>
#include <vector>

#include "bench/storm/peer_figures.hpp"
#include "bench/storm/storm_runner.hpp"

namespace usms::bench {

/// What was run, for the report's header.
struct run_meta {
  std::string storm;   ///< file or shape description
  std::string command; ///< the command line
  std::string machine; ///< CPU, cores, memory, load
};

/// Every figure and sample as indented JSON (what `--json` writes).
std::string report_json(const run_result& r, const run_meta& meta,
                        const std::vector<peer_figures>& peers);
/// The figures as an aligned table for the terminal.
std::string report_table(const run_result& r, const run_meta& meta,
                         const std::vector<peer_figures>& peers);
/// One HTML page: the table, charts of throughput, queue depth, memory and
/// latency, and the peers (what `--html` writes).
std::string report_html(const run_result& r, const run_meta& meta,
                        const std::vector<peer_figures>& peers);

} // namespace usms::bench
