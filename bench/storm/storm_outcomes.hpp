#pragma once

/// How the acknowledged requests ended, as the gateway's status table
/// tells: succeeded, failed (by reason) or lost, and when they finished.

#include <cstdint>
#include <string>
#include <vector>

#include "bench/storm/storm_intake.hpp"
#include "bench/storm/storm_runner.hpp"
#include "transport/http_client.hpp"

namespace usms::bench {

/// The status-table row of one storm request.
struct status_row {
  bool found = false; ///< the table has a row for the request
  bool succeeded = false;
  int64_t finished_us = 0; ///< finished_at, microseconds since the epoch
  std::string reason;
};

/// Reads the whole status table (newest first, 1000 rows a page) and
/// returns the row of each acknowledged slot, in slot order.
usms::result<std::vector<status_row>>
read_status_rows(http::client& side, const std::string& gateway,
                 const std::vector<slot>& slots);

/// Counts succeeded, failed (by reason) and lost requests into `res`, with
/// the end-to-end latencies and the drain figures; asks the gateway for
/// the state of the first ten lost ones.
void tally_outcomes(http::client& side, const std::string& gateway,
                    const std::vector<slot>& slots,
                    const std::vector<status_row>& rows, int64_t start_sys_us,
                    int64_t last_ack_sys_us, run_result& res);

} // namespace usms::bench
