#include "metrics/gateway_metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "metrics/process_metrics.hpp"
#include "metrics/text_format.hpp"

namespace usms {

namespace {

constexpr const char* action_names[] = {"create", "update", "query"};
constexpr const char* type_names[] = {"incident", "change", "problem"};
// Final request states, as request_state numbers 3..5.
constexpr const char* outcome_names[] = {"succeeded", "failed", "cancelled"};
constexpr const char* slot_names[] = {"queued", "in_flight", "waiting_retry"};
constexpr const char* result_names[] = {"answer", "fault", "transport",
                                        "malformed"};

int64_t unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

using prom::header;
using prom::sample;

} // namespace

void latency_histogram::observe(double seconds) {
  size_t i = 0;
  while (i < bounds.size() && seconds > bounds[i])
    ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6),
                        std::memory_order_relaxed);
}

void latency_histogram::render(std::string& out, const std::string& name,
                               const std::string& labels) const {
  uint64_t cumulative = 0;
  auto sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    char le[32];
    if (i < bounds.size())
      std::snprintf(le, sizeof(le), "%g", bounds[i]);
    else
      std::snprintf(le, sizeof(le), "+Inf");
    sample(out, name + "_bucket", labels + sep + "le=\"" + le + "\"",
           cumulative);
  }
  char sum[64];
  std::snprintf(sum, sizeof(sum), "%.6f",
                static_cast<double>(sum_micros_.load()) / 1e6);
  out += name + "_sum" + (labels.empty() ? "" : "{" + labels + "}") + " "
         + sum + "\n";
  sample(out, name + "_count", labels, count_.load());
}

void gateway_metrics::accepted(action a, ticket_type t) {
  accepted_[static_cast<size_t>(a) * 3 + static_cast<size_t>(t)]++;
}

void gateway_metrics::finished(action a, ticket_type t, uint8_t final_state) {
  auto outcome = final_state >= 3 && final_state <= 5 ? final_state - 3 : 1;
  finished_[(static_cast<size_t>(a) * 3 + static_cast<size_t>(t)) * 3
            + static_cast<size_t>(outcome)]++;
}

void gateway_metrics::rejected_full() {
  rejected_full_++;
}

void gateway_metrics::retry_scheduled() {
  retries_++;
}

void gateway_metrics::lookup_made() {
  lookups_++;
}

void gateway_metrics::alarm_event(bool firing) {
  alarm_events_[firing ? 0 : 1]++;
}

void gateway_metrics::enter(queue_slot s) {
  queue_[static_cast<size_t>(s)]++;
}

void gateway_metrics::leave(queue_slot s) {
  queue_[static_cast<size_t>(s)]--;
}

void gateway_metrics::soap_started() {
  soap_in_flight_++;
}

void gateway_metrics::set_operations(const std::vector<std::string>& names) {
  operation_count_ = std::min(names.size(), max_operations);
  for (std::size_t i = 0; i < operation_count_; ++i)
    operations_[i] = names[i];
}

void gateway_metrics::soap_finished(std::string_view operation,
                                    uint8_t result_kind, double seconds,
                                    bool answered) {
  soap_in_flight_--;
  for (std::size_t op = 0; op < operation_count_; ++op)
    if (operations_[op] == operation && result_kind < 4) {
      soap_calls_[op * 4u + result_kind]++;
      soap_latency_[op].observe(seconds);
      break;
    }
  if (answered)
    last_usms_answer_ms_.store(unix_ms());
}

void gateway_metrics::reply_delivered() {
  replies_delivered_++;
}

void gateway_metrics::reply_attempt_failed() {
  reply_failures_++;
}

void gateway_metrics::reply_gave_up() {
  replies_given_up_++;
}

void gateway_metrics::offloaded(int64_t rows, int64_t files_written) {
  offloaded_rows_ += static_cast<uint64_t>(rows);
  offload_files_ += static_cast<uint64_t>(files_written);
  status_entries_ -= rows;
}

void gateway_metrics::offload_failed(const std::string& why) {
  offload_failures_++;
  std::lock_guard<std::mutex> guard{text_mtx_};
  offload_error_ = why;
}

void gateway_metrics::offload_succeeded() {
  std::lock_guard<std::mutex> guard{text_mtx_};
  offload_error_.clear();
}

void gateway_metrics::files_removed(int64_t n) {
  files_removed_ += static_cast<uint64_t>(n);
}

std::string gateway_metrics::offload_error() const {
  std::lock_guard<std::mutex> guard{text_mtx_};
  if (offload_source_) {
    auto snap = offload_source_();
    return snap.failing ? snap.error : std::string{};
  }
  return offload_error_;
}

void gateway_metrics::set_offload_source(
  std::function<offload_snapshot()> source) {
  std::lock_guard<std::mutex> guard{text_mtx_};
  offload_source_ = std::move(source);
}

void gateway_metrics::database_write_failed(const std::string& why) {
  database_write_failures_.fetch_add(1);
  database_writable_.store(false);
  std::lock_guard<std::mutex> guard{text_mtx_};
  database_error_ = why;
}

void gateway_metrics::database_ok() {
  database_writable_.store(true);
  std::lock_guard<std::mutex> guard{text_mtx_};
  database_error_.clear();
}

std::string gateway_metrics::database_error() const {
  std::lock_guard<std::mutex> guard{text_mtx_};
  return database_error_;
}

void gateway_metrics::usms_transition(uint8_t to_state) {
  if (to_state < usms_transitions_.size())
    usms_transitions_[to_state].fetch_add(1);
}

void gateway_metrics::usms_probe_answered(bool alive) {
  probe_answers_[alive ? 0 : 1].fetch_add(1);
}

void gateway_metrics::set_hold_source(std::function<hold_snapshot()> source) {
  std::lock_guard<std::mutex> guard{text_mtx_};
  hold_source_ = std::move(source);
}

void gateway_metrics::set_build_version(std::string version) {
  std::lock_guard<std::mutex> guard{text_mtx_};
  build_version_ = std::move(version);
}

std::string gateway_metrics::render_prometheus() const {
  std::string out;
  out.reserve(16 * 1024);
  offload_snapshot off;
  off.rows = static_cast<int64_t>(offloaded_rows_.load());
  off.files_written = static_cast<int64_t>(offload_files_.load());
  off.files_removed = static_cast<int64_t>(files_removed_.load());
  off.failures = static_cast<int64_t>(offload_failures_.load());
  int64_t entries = status_entries_.load();
  {
    std::lock_guard<std::mutex> guard{text_mtx_};
    if (offload_source_) {
      off = offload_source_();
      entries -= off.rows; // the journal counts rows in, offload counts out
    }
  }
  header(out, "usms_gateway_status_entries", "gauge",
         "Rows in the status table (the Number of Incidents).");
  sample(out, "usms_gateway_status_entries", "", entries);
  header(out, "usms_gateway_requests_accepted_total", "counter",
         "Ticket requests journaled and acknowledged.");
  for (size_t a = 0; a < 3; ++a)
    for (size_t t = 0; t < 3; ++t)
      sample(out, "usms_gateway_requests_accepted_total",
             std::string{"action=\""} + action_names[a] + "\",type=\""
               + type_names[t] + "\"",
             accepted_[a * 3 + t].load());
  header(out, "usms_gateway_requests_total", "counter",
         "Ticket requests finished, by action, type and outcome.");
  for (size_t a = 0; a < 3; ++a)
    for (size_t t = 0; t < 3; ++t)
      for (size_t o = 0; o < 3; ++o)
        sample(out, "usms_gateway_requests_total",
               std::string{"action=\""} + action_names[a] + "\",type=\""
                 + type_names[t] + "\",outcome=\"" + outcome_names[o] + "\"",
               finished_[(a * 3 + t) * 3 + o].load());
  header(out, "usms_gateway_intake_rejected_total", "counter",
         "Requests refused with 503 because too many were unfinished.");
  sample(out, "usms_gateway_intake_rejected_total", "", rejected_full_.load());
  header(out, "usms_gateway_retries_total", "counter",
         "Retries scheduled after a failed SOAP attempt.");
  sample(out, "usms_gateway_retries_total", "", retries_.load());
  header(out, "usms_gateway_lookups_total", "counter",
         "Lookups by ExternalReference after an ambiguous create.");
  sample(out, "usms_gateway_lookups_total", "", lookups_.load());
  header(out, "usms_gateway_alarm_events_total", "counter",
         "Alarm events taken (answered 202), by state.");
  sample(out, "usms_gateway_alarm_events_total", "state=\"firing\"",
         alarm_events_[0].load());
  sample(out, "usms_gateway_alarm_events_total", "state=\"cleared\"",
         alarm_events_[1].load());
  header(out, "usms_gateway_queue_depth", "gauge",
         "Unfinished requests by state.");
  for (size_t s = 0; s < 3; ++s)
    sample(out, "usms_gateway_queue_depth",
           std::string{"state=\""} + slot_names[s] + "\"", queue_[s].load());
  header(out, "usms_gateway_soap_in_flight", "gauge",
         "SOAP calls to USMS in flight.");
  sample(out, "usms_gateway_soap_in_flight", "", soap_in_flight_.load());
  header(out, "usms_gateway_soap_calls_total", "counter",
         "SOAP calls by operation and result.");
  for (size_t op = 0; op < operation_count_; ++op)
    for (size_t r = 0; r < 4; ++r)
      sample(out, "usms_gateway_soap_calls_total",
             std::string{"operation=\""} + operations_[op]
               + "\",result=\"" + result_names[r] + "\"",
             soap_calls_[op * 4 + r].load());
  header(out, "usms_gateway_soap_call_duration_seconds", "histogram",
         "SOAP call latency by operation.");
  for (size_t op = 0; op < operation_count_; ++op)
    soap_latency_[op].render(out, "usms_gateway_soap_call_duration_seconds",
                             std::string{"operation=\""} + operations_[op]
                               + "\"");
  header(out, "usms_gateway_reply_deliveries_total", "counter",
         "Reply webhook deliveries by outcome.");
  sample(out, "usms_gateway_reply_deliveries_total", "outcome=\"delivered\"",
         replies_delivered_.load());
  sample(out, "usms_gateway_reply_deliveries_total",
         "outcome=\"attempt_failed\"", reply_failures_.load());
  sample(out, "usms_gateway_reply_deliveries_total", "outcome=\"gave_up\"",
         replies_given_up_.load());
  header(out, "usms_gateway_offloaded_rows_total", "counter",
         "Status rows moved to CSV archives.");
  sample(out, "usms_gateway_offloaded_rows_total", "", off.rows);
  header(out, "usms_gateway_offload_files_written_total", "counter",
         "Offload CSV files created.");
  sample(out, "usms_gateway_offload_files_written_total", "",
         off.files_written);
  header(out, "usms_gateway_offload_failures_total", "counter",
         "Offloads that failed (rows stay in the table).");
  sample(out, "usms_gateway_offload_failures_total", "", off.failures);
  header(out, "usms_gateway_offload_files_removed_total", "counter",
         "Offload files deleted by the retention janitor.");
  sample(out, "usms_gateway_offload_files_removed_total", "",
         off.files_removed);
  header(out, "usms_gateway_database_writable", "gauge",
         "1 while the journal's database takes writes, 0 while it refuses "
         "them (disk full, read-only): new requests then get 503.");
  sample(out, "usms_gateway_database_writable", "",
         database_writable_.load() ? 1 : 0);
  header(out, "usms_gateway_database_write_failures_total", "counter",
         "Journal writes and commits the database refused.");
  sample(out, "usms_gateway_database_write_failures_total", "",
         database_write_failures_.load());
  header(out, "usms_gateway_usms_last_answer_timestamp_seconds", "gauge",
         "When USMS last answered a SOAP call (unix time).");
  sample(out, "usms_gateway_usms_last_answer_timestamp_seconds", "",
         last_usms_answer_ms_.load() / 1000);
  render_usms(out, unix_ms());
  render_build_info(out);
  render_process_metrics(out);
  return out;
}

gateway_metrics& metrics() {
  static gateway_metrics instance;
  return instance;
}

} // namespace usms
