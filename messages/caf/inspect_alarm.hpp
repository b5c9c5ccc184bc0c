#pragma once

/// How CAF sees the alarm vocabulary (messages/alarm.hpp,
/// messages/alarm_store.hpp): one `inspect` per type that crosses an actor
/// boundary.

#include "caf/meta/type_name.hpp"
#include "messages/alarm.hpp"
#include "messages/alarm_store.hpp"
#include "messages/caf/inspect.hpp"

namespace usms {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_event& x) {
  return f(caf::meta::type_name("alarm_event"), x.id, x.key, x.signal, x.type,
           x.fields, x.source, x.reply_to, x.at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_record& x) {
  return f(caf::meta::type_name("alarm_record"), x.key, x.type, x.phase,
           x.signal, x.ticket, x.ticket_id, x.generation, x.occurrences,
           x.first_at, x.last_at, x.resolved_at, x.ticket_left_open,
           x.repeats, x.last_repeat_at, x.interval_ends_at, x.changes,
           x.flapping, x.flap_noted, x.source, x.reply_to);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_event_row& x) {
  return f(caf::meta::type_name("alarm_event_row"), x.id, x.key, x.signal,
           x.at, x.source, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_alarm& x) {
  return f(caf::meta::type_name("stored_alarm"), x.record, x.version);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_commit& x) {
  return f(caf::meta::type_name("alarm_commit"), x.key, x.version, x.forget,
           x.record, x.due_at, x.events, x.requests);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_commit_result& x) {
  return f(caf::meta::type_name("alarm_commit_result"), x.conflict,
           x.version, x.seqs);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_filter& x) {
  return f(caf::meta::type_name("alarm_filter"), x.state, x.limit, x.offset);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_page& x) {
  return f(caf::meta::type_name("alarm_page"), x.total, x.alarms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_sync_cursor& x) {
  return f(caf::meta::type_name("alarm_sync_cursor"), x.type,
           x.updated_since, x.seen);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_sighting& x) {
  return f(caf::meta::type_name("alarm_sighting"), x.alarm, x.ticket_id,
           x.status, x.updated_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_create_outcome& x) {
  return f(caf::meta::type_name("alarm_create_outcome"), x.key, x.request_id,
           x.external_reference, x.state, x.ticket_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_pending_step& x) {
  return f(caf::meta::type_name("alarm_pending_step"), x.key, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_startup& x) {
  return f(caf::meta::type_name("alarm_startup"), x.active, x.pending,
           x.creates, x.cursors, x.oldest_ticket_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alarm_accepted& x) {
  return f(caf::meta::type_name("alarm_accepted"), x.key, x.event_id,
           x.request_id, x.has_alarm, x.alarm);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        alarm_engine_settings& x) {
  return f(caf::meta::type_name("alarm_engine_settings"),
           x.update_interval_ms, x.auto_resolve, x.resolution_code,
           x.reopen_window_ms, x.sync_interval_ms, x.keep_ms,
           x.flap_threshold, x.flap_window_ms, x.has_update, x.sync_types,
           x.query_limit);
}

} // namespace usms
