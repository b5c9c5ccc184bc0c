#pragma once

/// How CAF sees the message vocabulary: one `inspect` per type that crosses
/// an actor boundary. The types themselves are plain C++ (messages/); only
/// this layer, the actors and the app know CAF.

#include <optional>
#include <utility>

#include "caf/error.hpp"
#include "caf/meta/load_callback.hpp"
#include "caf/meta/type_name.hpp"
#include "contract/soap_codec.hpp"
#include "messages/cluster_instance.hpp"
#include "messages/offload.hpp"
#include "messages/ops_queries.hpp"
#include "messages/request.hpp"
#include "messages/settings.hpp"
#include "messages/status_row.hpp"
#include "messages/usms_status.hpp"
#include "transport/call_result.hpp"

namespace usms::soap {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call& x) {
  return f(caf::meta::type_name("soap_call"), x.act, x.type, x.ticket_id,
           x.fields, x.work_note, x.filter, x.max_results);
}

} // namespace usms::soap

namespace usms {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_result& x) {
  return f(caf::meta::type_name("call_result"), x.kind, x.operation,
           x.ticket_id, x.tickets, x.total_count, x.server_fault,
           x.error_code, x.error_message, x.request_sent, x.error,
           x.http_status, x.retry_after_ms, x.latency_us);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ticket_request& x) {
  return f(caf::meta::type_name("ticket_request"), x.id, x.act, x.type,
           x.fields, x.ticket_id, x.work_note, x.filter, x.limit, x.source,
           x.correlation_id, x.reply_to, x.idempotency_key,
           x.external_reference, x.accepted_at, x.cause, x.alarm_key);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_progress& x) {
  return f(caf::meta::type_name("request_progress"), x.state, x.attempts,
           x.next_attempt_at, x.last_error, x.sending, x.lookup_first,
           x.retried_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_outcome& x) {
  return f(caf::meta::type_name("request_outcome"), x.state, x.ticket_id,
           x.tickets, x.total_count, x.reason, x.attempts, x.finished_at);
}

/// CAF 0.17 inspects caf::optional, not std::optional: the outcome travels
/// as a flag and a value, put back together after loading.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_record& x) {
  bool has_outcome = x.outcome.has_value();
  request_outcome outcome = has_outcome ? *x.outcome : request_outcome{};
  auto restore = [&]() -> caf::error {
    if (has_outcome)
      x.outcome = std::move(outcome);
    else
      x.outcome.reset();
    return caf::none;
  };
  return f(caf::meta::type_name("request_record"), x.seq, x.request,
           x.progress,
           has_outcome, outcome, x.updated_at, x.reply_state,
           x.reply_attempts, x.reply_error, caf::meta::load_callback(restore));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reply_state_update& x) {
  return f(caf::meta::type_name("reply_state_update"), x.request_id, x.state,
           x.attempts, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, index_row& x) {
  return f(caf::meta::type_name("index_row"), x.id, x.seq, x.query,
           x.serial_key, x.next_attempt_at, x.clock_start);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_row& x) {
  return f(caf::meta::type_name("status_row"), x.row_id, x.request_id,
           x.accepted_at, x.finished_at, x.action, x.type, x.ticket_id,
           x.status, x.reason, x.source, x.correlation_id, x.attempts,
           x.cause, x.alarm_key);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pipeline_settings& x) {
  return f(caf::meta::type_name("pipeline_settings"), x.retries, x.query_limit, x.backoff_base_ms, x.backoff_max_ms,
           x.jitter, x.max_pending, x.give_up_after_ms, x.has_lookup,
           x.active_window, x.fence_calls);
}

/// Holds the password: never log it (no deep_to_string of this type).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dispatcher_settings& x) {
  return f(caf::meta::type_name("dispatcher_settings"), x.url, x.username,
           x.password, x.max_in_flight, x.max_rate, x.request_timeout_ms,
           x.breaker_failures, x.probe_interval_ms, x.recovery_ramp_ms,
           x.max_retry_after_ms, x.probe_by_query, x.probe_type,
           x.probe_filter);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_filter& x) {
  return f(caf::meta::type_name("status_filter"), x.status, x.action, x.type,
           x.source, x.cause, x.since, x.until, x.q, x.limit, x.offset);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_page& x) {
  return f(caf::meta::type_name("status_page"), x.total, x.entries, x.rows);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trend_sample& x) {
  return f(caf::meta::type_name("trend_sample"), x.at, x.count);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, queue_filter& x) {
  return f(caf::meta::type_name("queue_filter"), x.states, x.type, x.source,
           x.limit, x.offset);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, queue_page& x) {
  return f(caf::meta::type_name("queue_page"), x.total, x.requests);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reply_route& x) {
  return f(caf::meta::type_name("reply_route"), x.source, x.url);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trend_settings& x) {
  return f(caf::meta::type_name("trend_settings"), x.interval_ms, x.keep_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trend_series& x) {
  return f(caf::meta::type_name("trend_series"), x.samples);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, route_list& x) {
  return f(caf::meta::type_name("route_list"), x.routes);
}

/// Holds the password when one was saved: never log it.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, runtime_values& x) {
  return f(caf::meta::type_name("runtime_values"), x.values);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_instance& x) {
  return f(caf::meta::type_name("cluster_instance"), x.id, x.started_at,
           x.heartbeat_at, x.owned, x.usms, x.leads);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_view& x) {
  return f(caf::meta::type_name("cluster_view"), x.instances, x.self);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, usms_status& x) {
  return f(caf::meta::type_name("usms_status"), x.state, x.available,
           x.since, x.last_error, x.next_probe_at, x.paused_until,
           x.wants_probe_request, x.in_flight_limit);
}

} // namespace usms

namespace usms::offload {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offload_options& x) {
  return f(caf::meta::type_name("offload_options"), x.path, x.max_entries,
           x.amount, x.check_interval_ms, x.file_timespan_ms, x.retention_ms,
           x.timezone, x.csv_formula_guard, x.batch_rows);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offload_report& x) {
  return f(caf::meta::type_name("offload_report"), x.rows, x.batches,
           x.files_created, x.recovered, x.remaining, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, janitor_report& x) {
  return f(caf::meta::type_name("janitor_report"), x.removed, x.files,
           x.folders, x.error);
}

} // namespace usms::offload
