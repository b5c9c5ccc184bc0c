#include "actors/request_supervisor.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include <spdlog/spdlog.h>

#include "actors/retry_policy.hpp"
#include "metrics/gateway_metrics.hpp"
#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"

namespace usms {

namespace {

using supervisor_impl = supervisor_actor::extend<caf::reacts_to<retry_atom>>;

/// How long to wait before trying a journal write again after it failed.
constexpr auto storage_retry_delay = std::chrono::seconds(1);
/// No timeout on journal writes: the journal is in this process and answers
/// every request (with an error if it must; a down journal answers for it).
/// A timeout would only add a timer entry per write, which CAF 0.17 keeps
/// until it expires: 60 s of them cost ~15 MB and a share of the clock
/// thread in a storm.
constexpr auto journal_timeout = caf::infinite;

/// Where a supervisor is on the way from the queue to the outcome. The
/// transitions:
/// - idle → awaiting_slot: attempt() asks the dispatcher for a slot.
/// - awaiting_slot → in_call: the slot came.
/// - in_call → idle: the call answered, or journaling the send failed (the
///   slot goes back).
/// - idle → finishing: an outcome is decided (an answer, a give-up, a
///   cancel).
/// - awaiting_slot → finishing: a cancel; the slot goes back when it comes.
/// - finishing → done: the outcome is journaled. A failed write stays in
///   finishing and is written again.
///
/// The actor quits in done once no slot is owed, or when the dispatcher is
/// gone (shutdown).
enum class phase : uint8_t {
  /// Holds no slot and asks for none: before the first attempt, waiting
  /// for a retry (or after a journal write failed), or checking a lookup's
  /// answer against the journal.
  idle,
  /// Has asked the dispatcher for a slot. Still counts as queued.
  awaiting_slot,
  /// Holds a slot: journaling that a create is being sent, then the SOAP
  /// call. Bytes may be leaving, so it cannot be cancelled.
  in_call,
  /// The outcome is decided and being journaled.
  finishing,
  /// The outcome is journaled and the intake told; the actor quits (once
  /// a slot it asked for has come back).
  done,
};

struct supervisor_state {
  request_record rec;
  supervisor_deps deps;
  retry_policy policy;
  int lookups = 0;
  phase now = phase::idle;
  /// An acquire is unanswered: the actor must live until the slot arrives
  /// (and give it back), or the dispatcher would count the slot as taken
  /// forever. Set in `awaiting_slot`; stays set when a cancel moves the
  /// request on to `finishing` before the slot came.
  bool slot_requested = false;
  /// Answered once a cancellation is journaled; pending only meanwhile.
  caf::typed_response_promise<bool> cancel_promise;
  /// Where this request counts in the queue-depth gauge (the intake
  /// counted it as queued when admitted).
  queue_slot slot = queue_slot::queued;
  bool counted = true;
  static inline const char* name = "request-supervisor";

  void move_to(queue_slot s) {
    if (counted && s == slot)
      return;
    if (counted)
      metrics().leave(slot);
    metrics().enter(s);
    slot = s;
    counted = true;
  }

  void leave_queue() {
    if (counted)
      metrics().leave(slot);
    counted = false;
  }

  /// True once the outcome is decided: no further attempt, no cancel.
  bool outcome_decided() const {
    return now == phase::finishing || now == phase::done;
  }

  ticket_request& req() { return rec.request; }
  request_progress& progress() { return rec.progress; }
  bool is_create() const { return rec.request.act == action::create; }
};

using self_ptr = supervisor_impl::stateful_pointer<supervisor_state>;

/// Jitter source: one generator per scheduler thread, seeded once. A
/// generator per request would cost 2.5 KB and a random_device read each.
std::mt19937_64& jitter_rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

void attempt(self_ptr self);

void save_progress(self_ptr self) {
  auto& st = self->state;
  self->request(st.deps.journal, journal_timeout, progress_atom_v,
                st.req().id, st.progress())
    .then([](bool) {},
          [self](caf::error& err) {
            spdlog::warn("request {}: progress not journaled: {}",
                         self->state.req().id, to_string(err));
          });
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
      [self, out, reply_state](status_row&) mutable {
        auto& st = self->state;
        st.rec.reply_state = reply_state;
        st.progress().state = out.state;
        st.progress().sending = false;
        st.leave_queue();
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
        spdlog::error("request {}: outcome not journaled, retrying: {}",
                      self->state.req().id, to_string(err));
        self->delayed_send(self, storage_retry_delay, retry_atom_v);
        // The retry message re-enters attempt(), which sees the outcome
        // decided and writes it again.
        self->state.rec.outcome = std::move(out);
      });
}

void fail(self_ptr self, std::string reason) {
  request_outcome out;
  out.state = request_state::failed;
  out.reason = std::move(reason);
  finish(self, std::move(out));
}

void wait_and_retry(self_ptr self, std::chrono::milliseconds delay,
                    std::string reason) {
  auto& st = self->state;
  auto& p = st.progress();
  p.state = request_state::waiting_retry;
  p.next_attempt_at = now_ms() + delay.count();
  p.sending = false;
  p.last_error = std::move(reason);
  st.move_to(queue_slot::waiting_retry);
  metrics().retry_scheduled();
  save_progress(self);
  self->delayed_send(self, delay, retry_atom_v);
}

std::string gave_up(const std::string& reason, int attempts) {
  return reason + " (gave up after " + std::to_string(attempts)
         + (attempts == 1 ? " attempt)" : " attempts)");
}

// The newest ticket among the lookup's answer: ours, since creates that
// share an ExternalReference run one at a time.
const ticket_fields* newest(const std::vector<ticket_fields>& tickets) {
  const ticket_fields* best = nullptr;
  std::string best_at;
  for (auto& t : tickets) {
    auto i = t.find("CreatedAt");
    std::string at = i != t.end() ? i->second : std::string{};
    if (!best || at >= best_at) {
      best = &t;
      best_at = std::move(at);
    }
  }
  return best;
}

void on_lookup(self_ptr self, call_result r) {
  auto& st = self->state;
  auto v = judge(action::query, r);
  if (v.kind != verdict_kind::success) {
    if (v.kind == verdict_kind::permanent
        || st.lookups >= st.policy.max_attempts) {
      fail(self, "outcome unknown: could not check whether USMS created the "
                 "ticket: "
                   + v.reason);
      return;
    }
    wait_and_retry(self,
                   st.policy.delay(st.lookups, r.retry_after_ms, jitter_rng()),
                   "checking whether USMS created the ticket: " + v.reason);
    return;
  }
  self
    ->request(st.deps.journal, journal_timeout, confirmed_atom_v,
              st.req().external_reference)
    .then(
      [self, r](int64_t confirmed) {
        auto& st = self->state;
        if (r.total_count > confirmed) {
          auto* t = newest(r.tickets);
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
          fail(self, gave_up(st.progress().last_error,
                             st.progress().attempts));
          return;
        }
        attempt(self);
      },
      [self](caf::error& err) {
        fail(self, "outcome unknown: the journal could not be read: "
                     + to_string(err));
      });
}

void on_result(self_ptr self, call_result r) {
  auto& st = self->state;
  auto& p = st.progress();
  auto v = judge(st.req().act, r);
  switch (v.kind) {
    case verdict_kind::success: {
      request_outcome out;
      out.state = request_state::succeeded;
      switch (st.req().act) {
        case action::create:
          out.ticket_id = std::move(r.ticket_id);
          break;
        case action::update:
          out.ticket_id = st.req().ticket_id;
          out.tickets = std::move(r.tickets);
          break;
        case action::query:
          out.tickets = std::move(r.tickets);
          out.total_count = r.total_count;
          break;
      }
      finish(self, std::move(out));
      return;
    }
    case verdict_kind::permanent:
      fail(self, std::move(v.reason));
      return;
    case verdict_kind::ambiguous:
      if (!st.deps.settings->lookup_by_reference) {
        // The contract cannot look tickets up: re-sending could duplicate.
        fail(self, "outcome unknown: " + v.reason);
        return;
      }
      p.lookup_first = true;
      wait_and_retry(self,
                     st.policy.delay(p.attempts, r.retry_after_ms, jitter_rng()),
                     std::move(v.reason));
      return;
    case verdict_kind::retry:
      if (p.attempts >= st.policy.max_attempts) {
        fail(self, gave_up(v.reason, p.attempts));
        return;
      }
      wait_and_retry(self,
                     st.policy.delay(p.attempts, r.retry_after_ms, jitter_rng()),
                     std::move(v.reason));
      return;
  }
}

void dispatch(self_ptr self, soap::call c, bool lookup) {
  auto& st = self->state;
  self->request(st.deps.dispatcher, caf::infinite, dispatch_atom_v, std::move(c))
    .then(
      [self, lookup](call_result& r) {
        self->state.now = phase::idle;
        if (lookup)
          on_lookup(self, std::move(r));
        else
          on_result(self, std::move(r));
      },
      [self](caf::error& err) {
        // Only when the dispatcher is gone, i.e. during shutdown.
        spdlog::warn("request {}: dispatcher unavailable: {}",
                     self->state.req().id, to_string(err));
        self->quit();
      });
}

void on_slot(self_ptr self) {
  auto& st = self->state;
  auto& p = st.progress();
  auto& settings = *st.deps.settings;
  bool lookup = p.lookup_first;
  soap::call c = lookup
                   ? make_lookup_call(st.req(), settings.query_limit)
                   : make_call(st.req(), settings.query_limit);
  if (lookup) {
    ++st.lookups;
    metrics().lookup_made();
  } else {
    ++p.attempts;
  }
  p.state = request_state::in_flight;
  st.move_to(queue_slot::in_flight);
  p.next_attempt_at = 0;
  // A create is marked as sending, durably, before its bytes leave: after a
  // crash the restart knows the outcome is unknown and looks up first.
  p.sending = !lookup && st.is_create();
  if (!p.sending) {
    save_progress(self);
    dispatch(self, std::move(c), lookup);
    return;
  }
  self->request(st.deps.journal, journal_timeout, progress_atom_v, st.req().id,
                p)
    .then([self, c, lookup](bool) mutable { dispatch(self, std::move(c), lookup); },
          [self](caf::error& err) {
            auto& st = self->state;
            spdlog::error("request {}: cannot journal the send, waiting: {}",
                          st.req().id, to_string(err));
            --st.progress().attempts;
            st.progress().sending = false;
            st.now = phase::idle;
            self->send(st.deps.dispatcher, release_atom_v);
            self->delayed_send(self, storage_retry_delay, retry_atom_v);
          });
}

void attempt(self_ptr self) {
  auto& st = self->state;
  if (st.outcome_decided()) {
    if (st.rec.outcome)
      finish(self, *st.rec.outcome);
    return;
  }
  // Waiting for a slot still counts as queued: a cancel may come meanwhile,
  // and then the slot goes straight back.
  st.now = phase::awaiting_slot;
  st.slot_requested = true;
  self->request(st.deps.dispatcher, caf::infinite, acquire_atom_v)
    .then(
      [self](bool) {
        auto& st = self->state;
        st.slot_requested = false;
        if (st.outcome_decided()) {
          self->send(st.deps.dispatcher, release_atom_v);
          if (st.now == phase::done)
            self->quit();
          return;
        }
        st.now = phase::in_call;
        on_slot(self);
      },
      [self](caf::error&) { self->quit(); });
}

supervisor_impl::behavior_type
request_supervisor(self_ptr self, request_record rec, supervisor_deps deps) {
  auto& st = self->state;
  st.rec = std::move(rec);
  st.deps = std::move(deps);
  auto& s = *st.deps.settings;
  st.policy.max_attempts = s.retries + 1;
  st.policy.base = std::chrono::milliseconds(s.backoff_base_ms);
  st.policy.cap = std::chrono::milliseconds(s.backoff_max_ms);
  st.policy.jitter = s.jitter;
  auto& p = st.progress();
  // A create that was being sent when the gateway stopped: its outcome is
  // unknown, so look it up before sending again.
  if (p.sending && st.is_create()) {
    p.sending = false;
    if (!s.lookup_by_reference) {
      fail(self, "outcome unknown: the gateway stopped while sending and the "
                 "USMS contract cannot look tickets up");
    } else {
      p.lookup_first = true;
      attempt(self);
    }
  } else if (p.state == request_state::waiting_retry
             && p.next_attempt_at > now_ms()) {
    st.move_to(queue_slot::waiting_retry);
    self->delayed_send(self,
                       std::chrono::milliseconds(p.next_attempt_at - now_ms()),
                       retry_atom_v);
  } else {
    attempt(self);
  }
  return {
    [=](retry_atom) { attempt(self); },
    [=](cancel_atom) -> caf::result<bool> {
      auto& st = self->state;
      if (st.now == phase::in_call || st.outcome_decided())
        return false;
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

} // namespace

soap::call make_call(const ticket_request& req, int query_limit) {
  soap::call c;
  c.act = req.act;
  c.type = req.type;
  switch (req.act) {
    case action::create:
      c.fields = req.fields;
      if (!req.external_reference.empty())
        c.fields["ExternalReference"] = req.external_reference;
      break;
    case action::update:
      c.ticket_id = req.ticket_id;
      c.fields = req.fields;
      c.work_note = req.work_note;
      break;
    case action::query:
      c.filter = req.filter;
      c.max_results = req.limit > 0 ? std::min(req.limit, query_limit)
                                    : query_limit;
      break;
  }
  return c;
}

soap::call make_lookup_call(const ticket_request& req, int query_limit) {
  soap::call c;
  c.act = action::query;
  c.type = req.type;
  c.filter["ExternalReference"] = req.external_reference;
  c.max_results = query_limit;
  return c;
}

supervisor_actor spawn_request_supervisor(caf::actor_system& sys,
                                          request_record rec,
                                          supervisor_deps deps) {
  return sys.spawn(request_supervisor, std::move(rec), std::move(deps));
}

} // namespace usms
