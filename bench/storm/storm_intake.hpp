#pragma once

/// The storm's send loop: every request at its time, a bounded number in
/// flight, resent after 503 (intake full) or a refused connection, until
/// each one is acknowledged or given up.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/storm/storm_file.hpp"
#include "transport/http_client.hpp"

namespace usms::bench {

/// Where one storm request stands with the intake.
enum class slot_state : uint8_t { pending, acked, error };

/// The bookkeeping of one storm request.
struct slot {
  int64_t first_sent_sys_us = 0; ///< wall clock of the first send; 0: never
  std::chrono::steady_clock::time_point last_sent{};
  double ack_ms = -1; ///< last send to the acknowledgement
  slot_state state = slot_state::pending;
  std::string request_id; ///< from the acknowledgement
};

/// Counts the sampler reads while the send loop runs.
struct intake_progress {
  std::atomic<int64_t> sent{0};  ///< requests sent at least once
  std::atomic<int64_t> acked{0}; ///< acknowledged (202/200)
};

/// What the intake did with the storm.
struct intake_result {
  std::vector<slot> slots; ///< one per storm request, in storm order
  int64_t acked = 0;
  int64_t intake_errors = 0; ///< given up: neither acknowledged nor resent
  std::map<std::string, int64_t> intake_error_reasons;
  int64_t client_retries = 0;  ///< resends after 503 or a refused connection
  int64_t last_ack_sys_us = 0; ///< wall clock of the last acknowledgement
};

/// Sends `calls[i]` at `storm[i].at_ms` after `start`, at most
/// `concurrency` at a time, and returns once every request is acknowledged
/// or given up; counts sends and acknowledgements into `progress` as they
/// happen.
intake_result send_storm(http::client& client,
                         const std::vector<storm_request>& storm,
                         const std::vector<http::outgoing>& calls,
                         int concurrency,
                         std::chrono::steady_clock::time_point start,
                         intake_progress& progress);

/// Send-to-acknowledgement times of the acknowledged requests, in ms,
/// ascending.
std::vector<double> sorted_ack_ms(const std::vector<slot>& slots);

/// Microseconds since the Unix epoch, by the system clock.
int64_t now_sys_us();

} // namespace usms::bench
