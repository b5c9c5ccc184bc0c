#pragma once

#include "actors/handles.hpp"
#include "caf/typed_actor.hpp"

namespace usms {

/// The actors and the settings the alarm engine works with.
struct alarm_engine_deps {
  /// Journals each alarm change with the steps it causes, and queues them.
  intake_actor intake;
  /// Saves the sync's cursors and prunes old events.
  journal_actor journal;
  /// Loads alarms and what a start needs.
  alarm_reader_actor reader;
  /// Carries the sync's queries (the gateway's own calls: they count
  /// against the limits and the breaker, but are not requests).
  dispatcher_actor dispatcher;
};

/// Spawns the alarm engine. One actor for every alarm, so that the events
/// of one key take effect one at a time in arrival order: an event is
/// decided on the alarm as stored (alarms/alarm_rules.hpp), and the
/// changed alarm, the event and the request it causes are journaled in one
/// transaction before the event is answered; the next inputs of that key
/// wait meanwhile, and are then decided together and journaled as one.
/// Other keys go on at the same time. The engine never touches the
/// storage itself: it reads through the alarm reader and writes through
/// the intake.
///
/// Besides events it feeds the rules the outcome of every create (the
/// intake tells it when an alarm step finished), its timers (update
/// intervals, flapping windows), the periodic sync from USMS (where the
/// contract has a query: tickets updated since the last sync, page by
/// page; a sighting other than Closed or Cancelled is used only while the
/// alarm has no step unfinished, since the gateway's own queued step would
/// otherwise be taken for something people did; the step's update makes
/// the ticket show up in a later sync again) and retention
/// (`alarms.keep`). At start it reads back the alarms that wait for a
/// create, a timer or flapping, the unfinished steps, and the outcomes of
/// creates that finished while it was not running.
alarm_engine_actor spawn_alarm_engine(caf::actor_system& sys,
                                      alarm_engine_deps deps,
                                      alarm_engine_settings settings);

} // namespace usms
