#pragma once

// The alarm engine's insides, shared by its two sources: alarm_engine.cpp
// (events, and reading, deciding and writing one key at a time) and
// alarm_engine_upkeep.cpp (timers, start, finished steps, retention, the
// sync). Only those two include it.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/alarm_engine.hpp"
#include "actors/due_timers.hpp"
#include "alarms/alarm_batch.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

namespace usms::alarm_engine_detail {

using engine_impl = alarm_engine_actor::extend<
  caf::reacts_to<tick_atom, int64_t>, caf::reacts_to<sync_atom>,
  caf::reacts_to<sweep_atom>, caf::reacts_to<retry_atom, std::string>>;

/// The journal, the intake and the reader are in this process and answer
/// every request (with an error if they must).
inline constexpr auto local_timeout = caf::infinite;
/// A key whose read or write failed tries again after this long.
inline constexpr auto retry_delay = std::chrono::seconds(1);
/// Alarms forgotten per retention pass.
inline constexpr int32_t sweep_batch = 1000;
/// Alarms kept in memory beyond which idle ones are dropped (they are read
/// back when they are needed again).
inline constexpr std::size_t cache_limit = 20'000;
inline constexpr int64_t idle_ms = 60'000;

using event_answer = std::function<void(caf::expected<alarm_accepted>)>;
using forget_answer = std::function<void(caf::expected<bool>)>;

/// An input waiting for its key, with who waits for it.
struct queued_input {
  alarms::batch_input in;
  event_answer on_event;   ///< events only
  forget_answer on_forget; ///< forgets only
};

/// One key's place in the engine: the alarm as stored (once loaded), and
/// what waits while it is loaded or written.
struct key_slot {
  bool loaded = false;
  /// A read or a write of this key is under way: inputs wait.
  bool busy = false;
  std::optional<alarm_record> record;
  int64_t version = 0;
  std::deque<queued_input> queue;
  int64_t used_at = 0;
};

/// The inputs of one write and what they decided.
struct write_batch {
  std::deque<queued_input> inputs;
  std::optional<alarm_record> record;
  std::vector<std::string> request_ids;
  std::vector<std::pair<event_answer, alarm_accepted>> events;
  std::vector<std::pair<forget_answer, bool>> forgets;
  int64_t due_at = 0;

  void answer() {
    for (auto& [to, accepted] : events)
      to(std::move(accepted));
    for (auto& [to, found] : forgets)
      to(found);
  }
};

struct engine_state {
  alarm_engine_deps deps;
  alarm_engine_settings settings;
  /// Until the start's reads are in, inputs only queue.
  bool started = false;
  std::unordered_map<std::string, key_slot> slots;
  /// Unfinished steps of each alarm, by request id.
  std::unordered_map<std::string, std::unordered_set<std::string>> pending;
  /// When keys want `timer_due`; one CAF timer for the earliest.
  due_timers timers;
  int64_t tick_at = 0;
  /// Steps that finished before the start's reads were in.
  std::vector<request_record> early_done;
  /// Where the sync from USMS stands, by ticket type.
  std::map<std::string, alarm_sync_cursor> cursors;
  /// Where a type's first sync starts (no cursor saved yet).
  int64_t first_sync_from = 0;
  /// An alarm has a ticket: until then a sync has nothing to learn, and
  /// the gateway asks USMS nothing for alarms.
  bool any_ticket = false;
  bool syncing = false;
  static inline const char* name = "alarm-engine";
};

using self_ptr = engine_impl::stateful_pointer<engine_state>;

/// The rules' context from the engine's settings, at `now`.
alarms::rule_context context_of(const alarm_engine_settings& s, int64_t now);

// alarm_engine.cpp

/// Queues `q` for `key` and goes on with the key if it is idle.
void feed(self_ptr self, const std::string& key, queued_input q);
/// The same for an input of the rules.
void feed_rule(self_ptr self, const std::string& key,
               alarms::alarm_input input);
/// Goes on with `key`: reads it, or decides and writes what waits.
void pump(self_ptr self, const std::string& key);

// alarm_engine_upkeep.cpp

/// Schedules the CAF timer for the earliest key due.
void arm_tick(self_ptr self);
void on_tick(self_ptr self, int64_t at);
/// Reads what a start needs, then lets inputs through.
void start(self_ptr self);
void on_step_done(self_ptr self, const request_record& rec);
void sweep(self_ptr self);
void start_sync(self_ptr self);
void on_sighting(self_ptr self, alarm_sighting& s);
void on_sync_end(self_ptr self, std::vector<alarm_sync_cursor>& cursors);

} // namespace usms::alarm_engine_detail
