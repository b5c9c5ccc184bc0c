#pragma once

/// The gateway's Prometheus metrics: a fixed set of atomic counters, gauges
/// and histograms that any thread may update without locks, rendered in the
/// Prometheus text format (names start with `usms_gateway_`; the standard
/// `process_*` families come with them).

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "contract/ticket.hpp"

namespace usms {

/// A histogram with fixed bucket bounds (seconds).
class latency_histogram {
public:
  static constexpr std::array<double, 14> bounds{
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
    0.25,  0.5,    1.0,   2.5,  5.0,   10.0, 30.0};

  void observe(double seconds);
  /// Appends `name_bucket`, `name_sum`, `name_count` lines with `labels`.
  void render(std::string& out, const std::string& name,
              const std::string& labels) const;

private:
  std::array<std::atomic<uint64_t>, bounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

/// What the offload scheduler and the file janitor report.
struct offload_snapshot {
  int64_t rows = 0;
  int64_t files_written = 0;
  int64_t files_removed = 0;
  int64_t failures = 0;
  bool failing = false;
  std::string error;
};

/// The requests held for USMS, as the USMS board shows them.
struct hold_snapshot {
  int64_t held = 0;
  /// When the oldest held request was accepted (unix ms); 0: none held.
  int64_t oldest_held_at = 0;
};

/// Where an unfinished request stands, for the queue-depth gauge.
enum class queue_slot : uint8_t { queued, in_flight, waiting_retry };

class gateway_metrics {
public:
  // -- requests --
  void accepted(action a, ticket_type t);
  void finished(action a, ticket_type t, uint8_t final_state);
  void rejected_full();
  void retry_scheduled();
  void lookup_made();
  /// An alarm event was taken: decided, journaled where it changed
  /// something, and answered (`firing` or cleared).
  void alarm_event(bool firing);
  void enter(queue_slot s);
  void leave(queue_slot s);
  /// Unfinished requests waiting to run, and waiting for a retry's time.
  void set_queue_waiting(int64_t queued, int64_t waiting_retry) {
    queue_[static_cast<size_t>(queue_slot::queued)].store(queued);
    queue_[static_cast<size_t>(queue_slot::waiting_retry)].store(
      waiting_retry);
  }

  // -- SOAP --
  /// The most operations SOAP calls are counted under.
  static constexpr std::size_t max_operations = 16;
  /// The operation names SOAP calls are counted under: the contract's (at
  /// most `max_operations`), set at start before any call. Until then, the
  /// built-in contracts' CreateIncident, CreateTicket, UpdateTicket and
  /// QueryTickets.
  void set_operations(const std::vector<std::string>& names);
  void soap_started();
  /// `operation` is the contract's name of it (calls of other names are not
  /// counted by operation); `result_kind` the call_result_kind as a number.
  void soap_finished(std::string_view operation, uint8_t result_kind,
                     double seconds, bool answered);
  int64_t last_usms_answer_ms() const { return last_usms_answer_ms_.load(); }
  int64_t soap_in_flight() const { return soap_in_flight_.load(); }

  // -- USMS health --
  /// `state` is the dispatcher's usms_state as a number (up = 0 …
  /// auth_failed = 5).
  void set_usms_state(uint8_t state) { usms_state_.store(state); }
  void usms_transition(uint8_t to_state);
  void usms_probe_sent() { probes_.fetch_add(1); }
  void usms_probe_answered(bool alive);
  /// Where the held-request figures come from (the USMS board); without
  /// a source they read 0.
  void set_hold_source(std::function<hold_snapshot()> source);

  // -- replies --
  void reply_delivered();
  void reply_attempt_failed();
  void reply_gave_up();

  // -- status table and offload --
  void set_status_entries(int64_t n) { status_entries_.store(n); }
  void add_status_entries(int64_t n) { status_entries_.fetch_add(n); }
  int64_t status_entries() const { return status_entries_.load(); }
  void offloaded(int64_t rows, int64_t files_written);
  void offload_failed(const std::string& why);
  void offload_succeeded();
  void files_removed(int64_t n);
  /// Empty when the last offload succeeded (or none ran).
  std::string offload_error() const;

  /// Where offload figures come from (the offload area keeps its own).
  void set_offload_source(std::function<offload_snapshot()> source);

  // -- database --
  /// A journal write or commit the database refused (`why`): counted, and
  /// the database shows as not writable until database_ok().
  void database_write_failed(const std::string& why);
  /// The database took a write again.
  void database_ok();
  /// Why the database cannot be written; empty while it can.
  std::string database_error() const;

  // -- build --
  /// The version `usms_gateway_build_info` shows.
  void set_build_version(std::string version);

  std::string render_prometheus() const;

private:
  void render_usms(std::string& out, int64_t now_ms) const;
  void render_build_info(std::string& out) const;

  std::array<std::atomic<uint64_t>, 9> accepted_{};
  std::array<std::atomic<uint64_t>, 27> finished_{};
  std::atomic<uint64_t> rejected_full_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> lookups_{0};
  std::array<std::atomic<uint64_t>, 2> alarm_events_{}; ///< firing, cleared
  std::array<std::atomic<int64_t>, 3> queue_{};
  std::atomic<int64_t> soap_in_flight_{0};
  std::array<std::string, max_operations> operations_{
    "CreateIncident", "CreateTicket", "UpdateTicket", "QueryTickets"};
  std::size_t operation_count_ = 4;
  std::array<std::atomic<uint64_t>, max_operations * 4> soap_calls_{};
  std::array<latency_histogram, max_operations> soap_latency_{};
  std::atomic<int64_t> last_usms_answer_ms_{0};
  std::atomic<uint8_t> usms_state_{0};
  std::array<std::atomic<uint64_t>, 6> usms_transitions_{};
  std::atomic<uint64_t> probes_{0};
  std::array<std::atomic<uint64_t>, 2> probe_answers_{};
  std::atomic<uint64_t> replies_delivered_{0};
  std::atomic<uint64_t> reply_failures_{0};
  std::atomic<uint64_t> replies_given_up_{0};
  std::atomic<int64_t> status_entries_{0};
  std::atomic<uint64_t> offloaded_rows_{0};
  std::atomic<uint64_t> offload_files_{0};
  std::atomic<uint64_t> offload_failures_{0};
  std::atomic<uint64_t> files_removed_{0};
  std::atomic<uint64_t> database_write_failures_{0};
  std::atomic<bool> database_writable_{true};
  mutable std::mutex text_mtx_;
  std::string offload_error_;
  std::function<offload_snapshot()> offload_source_;
  std::string database_error_;
  std::function<hold_snapshot()> hold_source_;
  std::string build_version_;
};

/// The process's metrics.
gateway_metrics& metrics();

} // namespace usms
