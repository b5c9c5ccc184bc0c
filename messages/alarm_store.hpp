#pragma once

/// What the alarm engine journals and reads back: one alarm's change as a
/// unit with the requests it causes, the stored alarm with its version,
/// pages of alarms, where the sync from USMS stands, and what a start
/// needs to pick up where the last run stopped. Plain values; the storage
/// seam (persistence/) reads and writes them.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/alarm.hpp"
#include "messages/request.hpp"

namespace usms {

/// One alarm event as the database keeps it: what happened, when, and the
/// request it caused (its ticket fields are in that request).
struct alarm_event_row {
  std::string id;
  std::string key;
  alarm_signal signal = alarm_signal::firing;
  int64_t at = 0; ///< unix ms
  std::string source;
  std::string request_id; ///< empty when the event caused none
};

/// An alarm as stored, with the version of its row: a change is written
/// only over the version it was decided on, so that two writers (two
/// gateway instances on one database) never both apply an event.
struct stored_alarm {
  alarm_record record;
  int64_t version = 0;
};

/// One alarm's change, journaled in one transaction with the events that
/// made it and the requests it causes: after a crash either all of it is
/// there or none.
struct alarm_commit {
  std::string key;
  /// The stored version the change was decided on; 0 = no row yet.
  int64_t version = 0;
  /// The alarm is forgotten (its row and events deleted); `record` unused.
  bool forget = false;
  alarm_record record; ///< the alarm after the change
  /// When the alarm needs its timer next (unix ms; 0 = none), so that a
  /// restart finds the alarms that wait for one.
  int64_t due_at = 0;
  std::vector<alarm_event_row> events;
  /// The steps, ready for the queue (ids, times, cause and alarm key set).
  std::vector<ticket_request> requests;
};

/// What became of a commit.
struct alarm_commit_result {
  /// The stored row was not at `version` any more: nothing was written;
  /// read the alarm again and decide again.
  bool conflict = false;
  int64_t version = 0;       ///< the row's version now (0: forgotten)
  std::vector<int64_t> seqs; ///< journal sequence numbers of the requests
};

/// Which alarms to list: a state (`open`, `resolved`, `closed`,
/// `flapping`; empty = all), newest first by their last event.
struct alarm_filter {
  std::string state;
  int32_t limit = 100;
  int64_t offset = 0;
};

/// One page of alarms.
struct alarm_page {
  int64_t total = 0; ///< alarms matching the filter
  std::vector<alarm_record> alarms;
};

/// Where the sync from USMS stands for one ticket type: the last UpdatedAt
/// seen, and the tickets seen at exactly that time (the next query asks
/// from that time on again and skips them).
struct alarm_sync_cursor {
  std::string type; ///< incident / problem
  int64_t updated_since = 0;
  std::vector<std::string> seen;
};

/// What the sync saw of one alarm's ticket in USMS, with the alarm as it
/// was read for it.
struct alarm_sighting {
  stored_alarm alarm;
  std::string ticket_id;
  std::string status;     ///< the API's status value
  int64_t updated_at = 0; ///< the ticket's UpdatedAt, unix ms
};

/// The newest create of an alarm that is still waiting for its ticket,
/// as a start finds it in the journal.
struct alarm_create_outcome {
  std::string key;
  std::string request_id;
  std::string external_reference;
  request_state state = request_state::queued;
  std::string ticket_id; ///< when it succeeded
};

/// An unfinished request an alarm caused.
struct alarm_pending_step {
  std::string key;
  std::string request_id;
};

/// What the alarm engine reads once when it starts.
struct alarm_startup {
  /// Alarms that may need something without a new event: open, flapping,
  /// waiting for their create, or waiting for a timer.
  std::vector<stored_alarm> active;
  std::vector<alarm_pending_step> pending;
  /// The newest create of every alarm waiting for its ticket.
  std::vector<alarm_create_outcome> creates;
  std::vector<alarm_sync_cursor> cursors;
  /// first_at of the oldest alarm with a ticket (0: none): where a first
  /// sync starts.
  int64_t oldest_ticket_at = 0;
};

/// The answer to one accepted alarm event.
struct alarm_accepted {
  std::string key;
  std::string event_id;
  std::string request_id; ///< empty when the event caused no request
  bool has_alarm = false; ///< false after a clear of an unknown key
  alarm_record alarm;     ///< the alarm after the event
};

} // namespace usms
