#pragma once

/// Settings snapshots the pipeline actors receive at spawn and on change.

#include <cstdint>
#include <string>
#include <vector>

#include "contract/ticket.hpp"

namespace usms {

/// What a request supervisor needs to know; immutable per request.
struct pipeline_settings {
  int32_t retries = 3;
  int32_t query_limit = 100;
  int64_t backoff_base_ms = 500;
  int64_t backoff_max_ms = 30000;
  bool jitter = true;
  int64_t max_pending = 1000000;
  /// soap.give_up_after in milliseconds; 0 = never.
  int64_t give_up_after_ms = 24LL * 3600 * 1000;
  /// The contract can look a ticket up by ExternalReference: an ambiguous
  /// create is looked up before it is sent again.
  bool has_lookup = true;
  /// Most supervisors active at once (waiting for a slot or in a call);
  /// the rest of the backlog waits in the journal.
  int32_t active_window = 64;
  /// Several instances share the storage: every call (not only a create's)
  /// is marked in the journal before it is sent, so that a request another
  /// instance owns now is never sent from here (the mark is fenced).
  bool fence_calls = false;
};

/// What the SOAP dispatcher needs: where, as whom, how much at once.
/// Holds the password: never log it (no deep_to_string of this type).
struct dispatcher_settings {
  std::string url;
  std::string username;
  std::string password;
  int32_t max_in_flight = 32;
  double max_rate = 0; ///< calls per second, 0 = unlimited
  int64_t request_timeout_ms = 30000;
  // USMS health: when to stop sending, how to probe and come back.
  int32_t breaker_failures = 5;
  int64_t probe_interval_ms = 5000;
  int64_t recovery_ramp_ms = 30000;
  int64_t max_retry_after_ms = 300000;
  /// The contract has a query operation: probes are queries (of
  /// `probe_type` tickets, by the `probe_filter` element when it has one)
  /// that match nothing. Without a query the probe is the oldest held
  /// request, sent alone.
  bool probe_by_query = true;
  ticket_type probe_type = ticket_type::incident;
  /// The filter element the probe query sets (a SOAP name such as
  /// `ExternalReference`); empty: the probe query has no filter.
  std::string probe_filter = "ExternalReference";
};

/// What the alarm engine needs: the `alarms.*` settings in milliseconds
/// and what the contract offers.
struct alarm_engine_settings {
  int64_t update_interval_ms = 5 * 60'000;
  bool auto_resolve = true;
  std::string resolution_code = "AutoResolved";
  int64_t reopen_window_ms = 3'600'000; ///< 0 = never reopen
  int64_t sync_interval_ms = 60'000;
  int64_t keep_ms = 30LL * 24 * 3'600'000;
  int32_t flap_threshold = 5;
  int64_t flap_window_ms = 10 * 60'000;
  /// The contract can update tickets (repeat notes, resolve, reopen).
  bool has_update = true;
  /// The alarm ticket types ("incident", "problem") the contract can
  /// query by UpdatedSince: the sync from USMS asks for these; none, no
  /// sync runs.
  std::vector<std::string> sync_types{"incident", "problem"};
  int32_t query_limit = 100;
};

} // namespace usms
