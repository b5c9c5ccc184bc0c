#include "actors/supervisor_state.hpp"

#include <utility>

#include <spdlog/spdlog.h>

#include "actors/soap_calls.hpp"
#include "metrics/gateway_metrics.hpp"

// One try of a supervised request: the sending mark, the slot, the call.

namespace usms::supervisor_detail {

namespace {

void dispatch(self_ptr self, soap::call c, bool lookup) {
  auto& st = self->state;
  metrics().enter(queue_slot::in_flight);
  self->request(st.deps.dispatcher, caf::infinite, dispatch_atom_v, std::move(c))
    .then(
      [self, lookup](call_result& r) {
        metrics().leave(queue_slot::in_flight);
        if (lookup)
          on_lookup(self, std::move(r));
        else
          on_result(self, std::move(r));
      },
      [self](caf::error& err) {
        // Only when the dispatcher is gone, i.e. during shutdown: the
        // request stays journaled as it was and resumes at the next start.
        metrics().leave(queue_slot::in_flight);
        spdlog::warn("request {}: dispatcher unavailable: {}",
                     self->state.req().id, to_string(err));
        self->quit();
      });
}

void on_slot(self_ptr self) {
  auto& st = self->state;
  st.now = phase::in_call;
  if (st.mark_pending) {
    // The slot came before the early mark was durable: it waits for it
    // (mark_and_acquire()), exactly as it would for the mark written here.
    st.slot_waits_for_mark = true;
    return;
  }
  auto& p = st.progress();
  auto& settings = *st.deps.settings;
  bool lookup = p.lookup_first;
  soap::call c = lookup ? make_lookup_call(st.req(), settings.query_limit)
                        : make_call(st.req(), settings.query_limit);
  if (lookup)
    metrics().lookup_made();
  p.state = request_state::in_flight;
  p.next_attempt_at = 0;
  // A create is marked as sending, durably, before its bytes leave: after a
  // crash the restart knows the outcome is unknown and looks up first.
  // Other calls need no write before they go (a crash re-sends them),
  // except in a cluster: the mark is written only while this instance owns
  // the request, so one taken over meanwhile is never sent from here. On a
  // solo instance a create's mark went to the journal together with the
  // slot's request (mark_and_acquire()).
  bool marked = std::exchange(st.marked, false);
  p.sending = !lookup && (st.is_create() || settings.fence_calls);
  if (!p.sending || marked) {
    dispatch(self, std::move(c), lookup);
    return;
  }
  self->request(st.deps.journal, journal_timeout, progress_atom_v, st.req().id,
                p)
    .then([self, c, lookup](bool owned) mutable {
            if (!owned) {
              // Fenced: another instance took the request over; its bytes
              // must not leave from here.
              self->send(self->state.deps.dispatcher, release_atom_v);
              lost(self);
              return;
            }
            dispatch(self, std::move(c), lookup);
          },
          [self](caf::error& err) {
            auto& st = self->state;
            st.progress().sending = false;
            st.now = phase::starting;
            self->send(st.deps.dispatcher, release_atom_v);
            journal_failed(self, "the send", err);
          });
}

void acquire(self_ptr self) {
  auto& st = self->state;
  st.now = phase::awaiting_slot;
  if (st.slot_requested)
    return; // asked for at the spawn: (slot_atom, granted) comes
  st.slot_requested = true;
  self->request(st.deps.dispatcher, caf::infinite, acquire_atom_v)
    .then([self](bool granted) { on_grant(self, granted); },
          [self](caf::error&) { self->quit(); });
}

/// The early mark is durable (or failed): a slot waiting for it goes on.
void mark_settled(self_ptr self, bool durable) {
  auto& st = self->state;
  st.mark_pending = false;
  st.marked = durable;
  if (!std::exchange(st.slot_waits_for_mark, false))
    return; // the slot has not come yet (or the activation went elsewhere)
  // Not durable: on_slot() writes the mark itself, with the slot held.
  on_slot(self);
}

/// A create on a solo instance asks for a slot and sends its sending mark
/// to the journal at once, instead of writing the mark after the slot came:
/// while it waits for one of usms.max_in_flight slots, its group commit
/// runs, so that the slot is held for the SOAP call alone and not also for
/// an fsync. Slots are still granted in the order they were asked for, so
/// the drain order holds. The mark only ever says "the bytes may have
/// left": a crash before the call makes the restart look the ticket up
/// first, as after a crash during it; no slot (USMS not available)
/// passivates the request, which writes the mark off again. In a cluster
/// the mark is the fence and is written with the slot held, right before
/// the call (on_slot()).
void mark_and_acquire(self_ptr self) {
  // The slot first (on a first attempt the intake has asked for it
  // already): nothing delays the request for it, and its answer cannot
  // come before this handler ends, so the mark is pending by then.
  acquire(self);
  auto& st = self->state;
  auto p = st.progress();
  p.state = request_state::in_flight;
  p.next_attempt_at = 0;
  p.sending = true;
  st.mark_pending = true;
  self->request(st.deps.journal, journal_timeout, progress_atom_v, st.req().id,
                p)
    .then(
      [self](bool owned) {
        auto& st = self->state;
        st.journal_retries.worked(st.req().id);
        if (!owned && st.now == phase::in_call) {
          // Not the journal's any more (finished meanwhile elsewhere).
          st.mark_pending = st.slot_waits_for_mark = false;
          self->send(st.deps.dispatcher, release_atom_v);
          lost(self);
          return;
        }
        if (!owned && st.now == phase::awaiting_slot) {
          st.mark_pending = false;
          lost(self); // the slot goes back when it comes
          return;
        }
        mark_settled(self, owned);
      },
      [self](caf::error& err) {
        spdlog::debug("request {}: early sending mark not written ({}); "
                      "written with the slot instead",
                      self->state.req().id, to_string(err));
        mark_settled(self, false);
      });
}

} // namespace

void on_grant(self_ptr self, bool granted) {
  auto& st = self->state;
  st.slot_requested = false;
  if (st.now != phase::awaiting_slot) {
    // Cancelled or finished before it came: the slot goes straight back.
    if (granted)
      self->send(st.deps.dispatcher, release_atom_v);
    if (st.now == phase::done)
      self->quit();
    return;
  }
  if (!granted) {
    // USMS is not available (or the gateway is stopping): wait in the
    // journal, not in memory. A mark still on its way is written off by
    // the passivation, which the journal writes after it.
    passivate(self, 0);
    return;
  }
  on_slot(self);
}

void attempt(self_ptr self) {
  auto& st = self->state;
  if (st.outcome_decided()) {
    if (st.now == phase::finishing && st.rec.outcome)
      finish(self, *st.rec.outcome); // the journal write failed: again
    return;
  }
  if (st.now == phase::passivating) {
    passivate(self, st.ready_at); // the journal write failed: again
    return;
  }
  if (st.is_create() && !st.progress().lookup_first
      && !st.deps.settings->fence_calls && !st.marked && !st.mark_pending) {
    mark_and_acquire(self);
    return;
  }
  acquire(self);
}

} // namespace usms::supervisor_detail
