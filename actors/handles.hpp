#pragma once

/// The typed interfaces of the gateway's long-lived actors. Light on
/// purpose: only forward declarations and the message vocabulary.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "messages/caf/submit_reply.hpp"
#include "messages/caf/type_ids.hpp"

namespace usms {

/// Owns the journal's connection; answers a write after the group commit
/// that made it durable. `progress` and `finish` answer false when they
/// wrote nothing because this instance no longer owns the request (see
/// `owner_atom`: the instance and fencing token it writes under). `append`
/// answers the id, whether its idempotency
/// key was known already, and its journal sequence number; `(append_atom,
/// progress_atom, req)` journals a create that runs at once already in
/// flight with its sending mark; `requeue` puts
/// failed requests back (one by id, or all failed ones matching a filter)
/// and answers their index rows. `pending_replies_atom` lists the finished
/// requests whose reply is still due; `reply_state_atom` records delivery
/// states. `(alarm_atom, alarm_commit)` journals one alarm's change with
/// the requests it causes (sent by the intake, which then indexes them);
/// `(alarm_atom, alarm_sync_cursor)` saves where the sync from USMS stands;
/// `(alarm_atom, sweep_atom, before)` deletes alarm events older than that.
using journal_actor = caf::typed_actor<
  caf::replies_to<append_atom, ticket_request>::with<std::string, bool,
                                                     int64_t>,
  caf::replies_to<append_atom, progress_atom, ticket_request>::with<
    std::string, bool, int64_t>,
  caf::replies_to<progress_atom, std::string, request_progress>::with<bool>,
  caf::replies_to<finish_atom, ticket_request, request_outcome,
                  std::string>::with<bool>,
  caf::reacts_to<owner_atom, std::string, int64_t>,
  caf::replies_to<confirmed_atom, std::string>::with<int64_t>,
  caf::replies_to<requeue_atom, std::string>::with<std::vector<index_row>>,
  caf::replies_to<requeue_atom, status_filter>::with<std::vector<index_row>>,
  caf::replies_to<caf::get_atom, std::string>::with<
    std::vector<request_record>>,
  caf::replies_to<pending_replies_atom>::with<std::vector<request_record>>,
  caf::replies_to<reply_state_atom, std::vector<reply_state_update>>::with<
    bool>,
  caf::replies_to<alarm_atom, alarm_commit>::with<alarm_commit_result>,
  caf::replies_to<alarm_atom, alarm_sync_cursor>::with<bool>,
  caf::replies_to<alarm_atom, sweep_atom, int64_t>::with<int64_t>>;

/// Bounds SOAP calls in flight and per second, performs them, and keeps the
/// view of USMS health (breaker, probes, ramp, pauses). `acquire` answers
/// true with a slot, false when the request must wait for USMS (held) or
/// the gateway is stopping; `(acquire_atom, supervisor)` asks the same for
/// another actor, which is told `(slot_atom, granted)` (the intake asks so
/// for each supervisor it spawns, in drain order). Slots go in the order
/// they were asked for. `(release_atom, address)` says a supervisor ended
/// without handing its request back: its place in the queue, or the slot
/// it held, goes to the others. The listener gets `(usms_atom,
/// usms_status)` on every change.
using dispatcher_actor = caf::typed_actor<
  caf::replies_to<acquire_atom>::with<bool>,
  caf::reacts_to<acquire_atom, caf::actor>,
  caf::replies_to<dispatch_atom, soap::call>::with<call_result>,
  caf::reacts_to<release_atom>,
  caf::reacts_to<release_atom, caf::actor_addr>,
  caf::reacts_to<settings_atom, dispatcher_settings>,
  caf::reacts_to<drain_atom>,
  caf::reacts_to<listen_atom, caf::actor>,
  caf::replies_to<usms_atom>::with<usms_status>,
  caf::replies_to<usms_atom, pause_atom>::with<usms_status>,
  caf::replies_to<usms_atom, resume_dispatch_atom>::with<usms_status>,
  caf::replies_to<usms_atom, probe_atom>::with<usms_status>>;

/// Accepts requests, supervises one actor per request, answers waiters.
/// `(submit_atom, ticket_request, submit_reply)` journals a request and
/// answers through the reply's callbacks (messages/caf/submit_reply.hpp).
/// `(alarm_atom, alarm_commit)` journals an alarm's change with the steps
/// it causes and queues them like submitted requests; `(listen_atom,
/// actor)` names the alarm engine, told `(done_atom, request_record)` of
/// every finished alarm step.
/// `claimed_atom` brings requests this instance took over in the cluster
/// (true once the first claims after joining took all there was).
using intake_actor = caf::typed_actor<
  caf::reacts_to<submit_atom, ticket_request, submit_reply>,
  caf::replies_to<wait_atom, std::string, int64_t>::with<bool>,
  caf::replies_to<cancel_atom, std::string>::with<bool>,
  caf::replies_to<retry_atom, std::string>::with<bool>,
  caf::replies_to<retry_atom, status_filter>::with<int64_t>,
  caf::reacts_to<done_atom, request_record>,
  caf::reacts_to<passivate_atom, std::string, int64_t>,
  caf::reacts_to<lost_atom, std::string>,
  caf::reacts_to<claimed_atom, std::vector<index_row>, bool>,
  caf::reacts_to<usms_atom, usms_status>,
  caf::reacts_to<settings_atom, pipeline_settings>,
  caf::reacts_to<start_atom>,
  caf::replies_to<stats_atom>::with<int64_t, int64_t>,
  caf::replies_to<drain_atom>::with<bool>,
  caf::replies_to<alarm_atom, alarm_commit>::with<alarm_commit_result>,
  caf::reacts_to<listen_atom, caf::actor>>;

/// Posts each finished request's result to its reply_to URL or its
/// source's reply route, with retries; the delivery state is journaled.
/// `(ops_route_atom, route_list)` tells it every reply route there is now.
using reply_actor = caf::typed_actor<
  caf::reacts_to<reply_atom, request_record>,
  caf::reacts_to<start_atom>,
  caf::reacts_to<settings_atom, int32_t>,
  caf::reacts_to<ops_route_atom, route_list>>;

/// This instance among the others sharing its storage (see
/// actors/cluster_member.hpp): `leave` hands its requests back; `cluster`
/// answers every live instance.
using cluster_member_actor
  = caf::typed_actor<caf::replies_to<leave_atom>::with<int64_t>,
                     caf::replies_to<cluster_atom>::with<cluster_view>>;

/// One request from intake to outcome. `(slot_atom, granted)` answers the
/// slot the intake asked for it when it spawned it.
using supervisor_actor
  = caf::typed_actor<caf::replies_to<cancel_atom>::with<bool>,
                     caf::reacts_to<slot_atom, bool>>;

/// Request lookups on a read connection of its own, which also runs the
/// storage's housekeeping.
/// `get` reads one request by id; `load` the requests with these journal
/// sequence numbers (to activate them); `index` up to `limit` index rows of
/// requests in one state (a request_state as a number) after a sequence
/// number, in journal order (a restart's backlog, a chunk at a time).
using reader_actor = caf::typed_actor<
  caf::replies_to<caf::get_atom, std::string>::with<
    std::vector<request_record>>,
  caf::replies_to<load_atom, std::vector<int64_t>>::with<
    std::vector<request_record>>,
  caf::replies_to<index_atom, int32_t, int64_t, int32_t>::with<
    std::vector<index_row>>>;

/// The alarms' read side on a connection of its own: one alarm by key
/// (none or one), the alarms of some keys, a page of alarms, the alarms of
/// some tickets, keys of resolved or closed alarms up to a time (at most a
/// number of them), and what the engine reads at start.
using alarm_reader_actor = caf::typed_actor<
  caf::replies_to<alarm_atom, caf::get_atom, std::string>::with<
    std::vector<stored_alarm>>,
  caf::replies_to<alarm_atom, load_atom, std::vector<std::string>>::with<
    std::vector<stored_alarm>>,
  caf::replies_to<alarm_atom, alarm_filter>::with<alarm_page>,
  caf::replies_to<alarm_atom, index_atom, std::vector<std::string>>::with<
    std::vector<stored_alarm>>,
  caf::replies_to<alarm_atom, sweep_atom, int64_t, int32_t>::with<
    std::vector<std::string>>,
  caf::replies_to<alarm_atom, start_atom>::with<alarm_startup>>;

/// Applies alarm events one at a time per key, in arrival order: each
/// event is answered once it is journaled with the step it causes. A
/// batch (Alertmanager) is answered once all of its events are.
/// `(alarm_atom, delete_atom, key)` forgets an alarm (false: unknown).
/// `(done_atom, request_record)` says an alarm step finished. A sync run
/// (actors/alarm_sync.hpp) sends `(sync_atom, sightings)` for each page and
/// `(sync_atom, cursors)` when it ends.
using alarm_engine_actor = caf::typed_actor<
  caf::replies_to<alarm_atom, alarm_event>::with<alarm_accepted>,
  caf::replies_to<alarm_atom, std::vector<alarm_event>>::with<
    std::vector<alarm_accepted>>,
  caf::replies_to<alarm_atom, caf::delete_atom, std::string>::with<bool>,
  caf::reacts_to<done_atom, request_record>,
  caf::reacts_to<sync_atom, std::vector<alarm_sighting>>,
  caf::reacts_to<sync_atom, std::vector<alarm_sync_cursor>>,
  caf::reacts_to<settings_atom, alarm_engine_settings>,
  caf::reacts_to<start_atom>>;

} // namespace usms
