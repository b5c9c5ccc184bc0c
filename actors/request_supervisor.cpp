#include "actors/request_supervisor.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <utility>

#include <spdlog/spdlog.h>

#include "actors/call_outcome.hpp"
#include "actors/request_outcomes.hpp"
#include "actors/soap_calls.hpp"
#include "actors/supervisor_state.hpp"
#include "caf/actor_system.hpp"
#include "metrics/gateway_metrics.hpp"

// A supervised request around its attempts (supervisor_attempt.cpp): the
// outcome, retries, passivation, the behaviour.

namespace usms::supervisor_detail {

namespace {

/// Jitter source: one generator per scheduler thread, seeded once. A
/// generator per request would cost 2.5 KB and a random_device read each.
std::mt19937_64& jitter_rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

} // namespace

/// A journal write of `what` failed: written again in a second.
void journal_failed(self_ptr self, const char* what, const caf::error& err) {
  self->state.journal_retries.failed(self->state.req().id, what,
                                     to_string(err));
  self->delayed_send(self, storage_retry_delay, retry_atom_v);
}

/// The journal wrote nothing: another instance owns the request now (this
/// one's lease was taken over). Its work goes on there; this actor only
/// tells the intake to forget it.
void lost(self_ptr self) {
  auto& st = self->state;
  spdlog::warn("request {}: owned by another instance now; left to it",
               st.req().id);
  self->send(st.deps.intake, lost_atom_v, st.req().id);
  st.now = phase::done;
  if (!st.slot_requested)
    self->quit();
}

void finish(self_ptr self, request_outcome out) {
  auto& st = self->state;
  st.now = phase::finishing;
  out.attempts = st.progress().attempts;
  out.finished_at = now_ms();
  // Replies to a source's route are decided by the reply dispatcher; a
  // request's own reply_to always gets one.
  bool routes = st.deps.routes_configured && st.deps.routes_configured->load();
  std::string reply_state = !st.req().reply_to.empty() || routes ? "pending"
                                                                   : "";
  self->request(st.deps.journal, journal_timeout, finish_atom_v, st.req(), out,
                reply_state)
    .then(
      [self, out, reply_state](bool owned) mutable {
        auto& st = self->state;
        st.journal_retries.worked(st.req().id);
        if (!owned) {
          lost(self);
          return;
        }
        st.rec.reply_state = reply_state;
        st.progress().state = out.state;
        st.progress().sending = false;
        metrics().finished(st.req().act, st.req().type,
                           static_cast<uint8_t>(out.state));
        metrics().add_status_entries(1);
        st.rec.outcome = std::move(out);
        if (st.rec.outcome->state == request_state::succeeded)
          spdlog::debug("request {}: {} {} succeeded{}{} after {} attempt(s)",
                        st.req().id, to_string(st.req().act),
                        to_string(st.req().type),
                        st.rec.outcome->ticket_id.empty() ? "" : ", ticket ",
                        st.rec.outcome->ticket_id, st.rec.outcome->attempts);
        else
          spdlog::warn("request {}: {} {} {}: {}", st.req().id,
                       to_string(st.req().act), to_string(st.req().type),
                       to_string(st.rec.outcome->state),
                       st.rec.outcome->reason);
        self->send(st.deps.intake, done_atom_v, st.rec);
        if (st.cancel_promise.pending())
          st.cancel_promise.deliver(true);
        st.now = phase::done;
        if (!st.slot_requested)
          self->quit();
      },
      [self, out](caf::error& err) mutable {
        // Nobody hears of it before it is journaled: the retry message
        // re-enters attempt(), which sees the outcome decided, writes again.
        self->state.rec.outcome = std::move(out);
        journal_failed(self, "outcome", err);
      });
}

void fail(self_ptr self, std::string reason) {
  request_outcome out;
  out.state = request_state::failed;
  out.reason = std::move(reason);
  finish(self, std::move(out));
}

/// The reason of a request that gave up waiting.
std::string give_up_reason(supervisor_state& st) {
  return usms::give_up_reason(now_ms(), st.clock_start(),
                              st.progress().retried_at > 0,
                              st.deps.board ? st.deps.board->status()
                                            : usms_status{},
                              st.progress().last_error);
}

/// Hands the request back to the intake: its state goes to the journal
/// (the only place it lives until it is activated again), then the actor
/// ends. Due again at `ready_at`; 0 = as soon as USMS is available.
void passivate(self_ptr self, int64_t ready_at) {
  auto& st = self->state;
  if (st.past_give_up(std::max(ready_at, now_ms()))) {
    fail(self, give_up_reason(st));
    return;
  }
  st.now = phase::passivating;
  st.ready_at = ready_at;
  auto& p = st.progress();
  // Waiting for a time, or after attempts: waiting for a retry; held
  // before its first attempt: still queued.
  p.state = ready_at > 0 || p.attempts > 0 || p.lookup_first
              ? request_state::waiting_retry
              : request_state::queued;
  p.next_attempt_at = ready_at;
  p.sending = false;
  self->request(st.deps.journal, journal_timeout, progress_atom_v,
                st.req().id, p)
    .then(
      [self](bool owned) {
        auto& st = self->state;
        st.journal_retries.worked(st.req().id);
        if (!owned) {
          lost(self);
          return;
        }
        self->send(st.deps.intake, passivate_atom_v, st.req().id,
                   st.ready_at);
        st.now = phase::done;
        if (!st.slot_requested)
          self->quit();
      },
      [self](caf::error& err) { journal_failed(self, "progress", err); });
}

/// Waits `delay` before the next try, as a passivated request.
void retry_later(self_ptr self, std::chrono::milliseconds delay,
                 std::string reason) {
  auto& st = self->state;
  st.progress().last_error = std::move(reason);
  metrics().retry_scheduled();
  passivate(self, now_ms() + delay.count());
}

std::chrono::milliseconds backoff(supervisor_state& st,
                                  const call_outcome& o) {
  return st.policy.delay(std::max(1, st.progress().attempts), o.pause_ms,
                         jitter_rng());
}

void on_lookup(self_ptr self, call_result r) {
  auto& st = self->state;
  auto o = classify(r);
  switch (o.cls) {
    case outcome_class::done:
      break;
    case outcome_class::permanent:
      fail(self, "outcome unknown: could not check whether USMS created the "
                 "ticket: "
                   + o.reason);
      return;
    case outcome_class::auth_failed:
      st.progress().last_error = o.reason;
      passivate(self, 0);
      return;
    case outcome_class::not_processed:
    case outcome_class::ambiguous:
      // A lookup that cannot be made waits like any call: a create never
      // ends "outcome unknown" because USMS was unreachable.
      retry_later(self, backoff(st, o),
                  "checking whether USMS created the ticket: " + o.reason);
      return;
  }
  self
    ->request(st.deps.journal, journal_timeout, confirmed_atom_v,
              st.req().external_reference)
    .then(
      [self, r](int64_t confirmed) {
        auto& st = self->state;
        if (st.outcome_decided())
          return; // cancelled meanwhile
        if (r.total_count > confirmed) {
          auto* t = newest_ticket(r.tickets);
          auto id = t ? t->find("TicketId") : ticket_fields::const_iterator{};
          request_outcome out;
          out.state = request_state::succeeded;
          if (t && id != t->end())
            out.ticket_id = id->second;
          spdlog::info("request {}: USMS had created ticket {} already; not "
                       "sending again",
                       st.req().id, out.ticket_id);
          finish(self, std::move(out));
          return;
        }
        // USMS holds no ticket from this request: sending again is safe.
        st.progress().lookup_first = false;
        st.progress().sending = false;
        if (st.progress().attempts >= st.policy.max_attempts) {
          fail(self, gave_up_after(st.progress().last_error,
                             st.progress().attempts));
          return;
        }
        attempt(self);
      },
      [self](caf::error& err) {
        if (self->state.outcome_decided())
          return;
        fail(self, "outcome unknown: the journal could not be read: "
                     + to_string(err));
      });
}

void on_result(self_ptr self, call_result r) {
  auto& st = self->state;
  auto& p = st.progress();
  auto o = classify(r);
  // Only attempts USMS answered, or that may have reached it, count
  // against soap.retries; "not processed" ones back off without counting.
  if (o.cls == outcome_class::done || o.cls == outcome_class::permanent
      || o.cls == outcome_class::ambiguous)
    ++p.attempts;
  switch (o.cls) {
    case outcome_class::done:
      finish(self, success_of(st.req(), r));
      return;
    case outcome_class::permanent:
      fail(self, std::move(o.reason));
      return;
    case outcome_class::auth_failed:
      // The gateway's credentials, not the request: hold it until they
      // change or an operator resumes dispatch.
      p.last_error = std::move(o.reason);
      passivate(self, 0);
      return;
    case outcome_class::not_processed:
      retry_later(self, backoff(st, o), std::move(o.reason));
      return;
    case outcome_class::ambiguous:
      if (st.is_create()) {
        if (!st.deps.settings->has_lookup) {
          // The contract cannot look tickets up: sending again could
          // make a second ticket.
          fail(self, "outcome unknown: " + o.reason);
          return;
        }
        p.lookup_first = true;
        retry_later(self, backoff(st, o), std::move(o.reason));
        return;
      }
      if (p.attempts >= st.policy.max_attempts) {
        fail(self, gave_up_after(o.reason, p.attempts));
        return;
      }
      retry_later(self, backoff(st, o), std::move(o.reason));
      return;
  }
}


/// The first step of an activation.
void start(self_ptr self, activation mode) {
  auto& st = self->state;
  auto& p = st.progress();
  switch (mode) {
    case activation::cancel: {
      request_outcome out;
      out.state = request_state::cancelled;
      out.reason = "cancelled by an operator";
      finish(self, std::move(out));
      return;
    }
    case activation::give_up:
      fail(self, give_up_reason(st));
      return;
    case activation::run:
      break;
    case activation::run_marked:
      // The mark is the intake's, journaled with the request: nothing has
      // been sent, so no lookup (read back, the record shows the mark).
      p.sending = false;
      st.marked = true;
      break;
  }
  // A create that was being sent when the gateway stopped (or when its
  // instance lost it): its outcome is unknown, so look it up first.
  if (p.sending && st.is_create()) {
    p.sending = false;
    if (!st.deps.settings->has_lookup) {
      fail(self, "outcome unknown: the gateway stopped while sending and "
                 "USMS cannot look tickets up");
      return;
    }
    p.lookup_first = true;
  }
  if (st.past_give_up(now_ms())) {
    fail(self, give_up_reason(st));
    return;
  }
  attempt(self);
}

supervisor_impl::behavior_type
request_supervisor(self_ptr self, request_record rec, supervisor_deps deps,
                   activation mode) {
  auto& st = self->state;
  st.rec = std::move(rec);
  st.deps = std::move(deps);
  auto& s = *st.deps.settings;
  st.policy.max_attempts = s.retries + 1;
  st.policy.base = std::chrono::milliseconds(s.backoff_base_ms);
  st.policy.cap = std::chrono::milliseconds(s.backoff_max_ms);
  st.policy.jitter = s.jitter;
  // The intake asked for its first slot when it spawned it.
  st.slot_requested = tries_it(mode);
  start(self, mode);
  return {
    [=](retry_atom) { attempt(self); },
    [=](slot_atom, bool granted) { on_grant(self, granted); },
    [=](cancel_atom) -> caf::result<bool> {
      auto& st = self->state;
      if (st.now != phase::starting && st.now != phase::awaiting_slot)
        return false; // in flight, or its outcome is being written
      // Answered once the cancellation is journaled, so that the caller
      // reads the request back as cancelled.
      st.cancel_promise = self->make_response_promise<bool>();
      request_outcome out;
      out.state = request_state::cancelled;
      out.reason = "cancelled by an operator";
      finish(self, std::move(out));
      return st.cancel_promise;
    },
  };
}

} // namespace usms::supervisor_detail

namespace usms {

supervisor_actor spawn_request_supervisor(caf::actor_system& sys,
                                          request_record rec,
                                          supervisor_deps deps,
                                          activation mode) {
  return sys.spawn(supervisor_detail::request_supervisor, std::move(rec),
                   std::move(deps), mode);
}

} // namespace usms
