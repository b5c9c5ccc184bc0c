#pragma once

/// The intake's state and its drain (what actors/intake.cpp and
/// actors/intake_drain.cpp share; private to the intake).

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/intake.hpp"
#include "actors/request_index.hpp"
#include "actors/request_supervisor.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

namespace usms::intake_detail {

using intake_impl = intake_actor::extend<
  caf::reacts_to<timeout_atom, std::string, uint64_t>,
  caf::reacts_to<tick_atom, int64_t>>;

/// Index rows read per journal query while resuming.
constexpr int32_t resume_chunk = 10'000;
/// Requests past their give-up time failed per step.
constexpr std::size_t give_up_batch = 256;
/// Accepted requests kept in memory until their first activation, at most:
/// beyond the active window they would otherwise be read back from the
/// journal when their turn comes, and in a storm that outruns USMS a
/// little, reading them back made the drain slower still. About 1.5 MiB at
/// most (a closed-loop storm's queue stays under 300); the rest of a deep
/// backlog lives in the journal alone.
constexpr std::size_t in_hand_limit = 1024;
/// How long a crashed supervisor's request waits before it is activated
/// again from the journal.
constexpr int64_t crash_pause_ms = 1'000;

/// No timeout on journal requests: the journal is in this process and
/// answers each one. A timeout could fire on a write that still commits
/// later: a request journaled but never indexed here until the next start.
constexpr auto journal_timeout = caf::infinite;

struct waiter {
  uint64_t id;
  caf::typed_response_promise<bool> promise;
};

struct intake_state {
  journal_actor journal;
  reader_actor reader;
  dispatcher_actor dispatcher;
  reply_actor replies;
  std::shared_ptr<const std::atomic<bool>> routes_configured;
  std::shared_ptr<usms_board> board;
  /// Told when an alarm step finishes.
  alarm_engine_actor alarms;
  std::shared_ptr<cluster_board> cluster;
  bool claims_from_cluster = false;
  std::shared_ptr<const pipeline_settings> settings;
  /// Every unfinished request of this instance, in a few dozen bytes each.
  request_index index;
  /// The active ones: a supervisor each.
  std::unordered_map<std::string, supervisor_actor> running;
  std::unordered_map<caf::actor_addr, std::string> by_addr;
  /// Accepted requests not activated yet (at most `in_hand_limit`),
  /// activated without reading them back. Each leaves at its first
  /// activation; the only ways out of the index without one, a cancel
  /// while it waits and its give-up time, take it out too (and a drain
  /// clears them all). A request that finishes or is lost was activated,
  /// so it is never here.
  std::unordered_map<std::string, request_record> in_hand;
  /// Activations waiting for their records from the journal.
  std::size_t loading = 0;
  /// Creates on their way to the journal with their sending mark
  /// (runs_at_once()), and those journaled so but not activated yet: both
  /// hold a place in the active window.
  std::size_t marking = 0;
  std::unordered_set<std::string> marked;
  std::unordered_map<std::string, std::vector<waiter>> waiters;
  /// Cancels of waiting requests, answered once the cancel is journaled.
  std::unordered_map<std::string, std::vector<caf::typed_response_promise<bool>>>
    cancels;
  uint64_t next_waiter = 1;
  int64_t accepted = 0;
  usms_status usms;
  /// Until every journaled request is indexed, queries wait: writes first.
  bool resumed = false;
  int64_t tick_at = 0;
  bool draining = false;
  static inline const char* name = "intake";
};

using self_ptr = intake_impl::stateful_pointer<intake_state>;

/// A request the journal holds now: counted, indexed, and kept in hand
/// for its first activation while there is room (one a claim brought
/// already stays as it is).
void admit(self_ptr self, ticket_request req, int64_t seq);

/// Whether a new request will be activated as soon as it is journaled (a
/// create on a solo instance while USMS is available, the active window has
/// room and nothing waits ahead of it): then its sending mark is journaled
/// with it, and its first attempt writes none.
bool runs_at_once(const intake_state& st, const ticket_request& req);

/// Reads the records of `picks` from the journal and activates them.
void load_and_spawn(self_ptr self, std::vector<picked> picks,
                    activation mode);

/// One step of the drain: fails what waited past its give-up time, then
/// activates requests in drain order while USMS is available and the window
/// has room, then plans the next step.
void activate(self_ptr self);

/// A request left the index: wake its waiters, answer cancels.
void retire(self_ptr self, const std::string& id);

void forget_supervisor(intake_state& st, const std::string& id);

/// Indexes journal rows (a restart's backlog, requests retried in bulk or
/// taken over from another instance); one known already stays as it is.
void index_rows(intake_state& st, std::vector<index_row>& rows);

/// Unfinished requests that count against intake.max_pending: this
/// instance's, or the whole cluster's when it shares its storage.
int64_t backlog(const intake_state& st);

/// Indexes the journal's unfinished requests from the `state_index`th of
/// the resume states on, after `after_seq`, a chunk at a time.
void resume_from(self_ptr self, std::size_t state_index, int64_t after_seq);

} // namespace usms::intake_detail
