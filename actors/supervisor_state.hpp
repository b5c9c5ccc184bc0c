#pragma once

/// A request supervisor's state and the steps its two files share: the
/// attempt (supervisor_attempt.cpp: the sending mark, the slot, the call)
/// and everything around it (request_supervisor.cpp: outcomes, retries,
/// passivation, the behaviour). Private to the supervisor.

#include <chrono>
#include <cstdint>
#include <string>

#include "actors/request_supervisor.hpp"
#include "actors/retry_log.hpp"
#include "actors/retry_policy.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "caf/typed_response_promise.hpp"
#include "transport/call_result.hpp"

namespace usms::supervisor_detail {

using supervisor_impl = supervisor_actor::extend<caf::reacts_to<retry_atom>>;

/// How long to wait before trying a journal write again after it failed.
constexpr auto storage_retry_delay = std::chrono::seconds(1);
/// No timeout on journal writes: the journal is in this process and answers
/// every request (with an error if it must). A timeout would only add a
/// timer entry per write, which CAF 0.17 keeps until it expires.
constexpr auto journal_timeout = caf::infinite;

/// Where a supervisor is in one activation. The transitions:
/// - starting → awaiting_slot: attempt() asks the dispatcher for a slot (a
///   create on a solo instance sends its sending mark to the journal at the
///   same time, mark_and_acquire(), unless the intake journaled the mark
///   with the request: activation::run_marked).
/// - awaiting_slot → in_call: the slot came.
/// - awaiting_slot → passivating: no slot (USMS is not available): the
///   request waits in the journal, held.
/// - in_call → awaiting_slot: a lookup showed a create must be sent again.
/// - in_call → passivating: the call must be repeated later (a retry, a
///   lookup after an ambiguous create, USMS refusing the credentials).
/// - in_call, starting → finishing: an outcome is decided (an answer, a
///   permanent failure, retries used up, the give-up time reached).
/// - awaiting_slot → finishing: a cancel; the slot goes back when it comes.
/// - finishing, passivating → done: journaled and the intake told.
/// A failed journal write stays in its phase and is written again.
enum class phase : uint8_t {
  starting,
  awaiting_slot,
  /// Holds a slot: waiting for the sending mark to be durable, then the
  /// SOAP call. Bytes may be leaving, so it cannot be cancelled.
  in_call,
  finishing,
  passivating,
  done,
};

struct supervisor_state {
  request_record rec;
  supervisor_deps deps;
  retry_policy policy;
  phase now = phase::starting;
  /// An acquire is unanswered (its own, or the one the intake sent for it
  /// at its spawn): the actor must live until the slot arrives (and give it
  /// back), or the dispatcher would count it taken forever.
  bool slot_requested = false;
  /// The early sending mark (mark_and_acquire()) is on its way to the
  /// journal; `marked` once it is durable (or from the start with
  /// activation::run_marked): the slot goes straight to the call. A slot
  /// that came first waits for it (`slot_waits_for_mark`).
  bool mark_pending = false;
  bool marked = false;
  bool slot_waits_for_mark = false;
  /// When passivating: when the request is due again (0 = when USMS is).
  int64_t ready_at = 0;
  /// Answered once a cancellation is journaled; pending only meanwhile.
  caf::typed_response_promise<bool> cancel_promise;
  retry_log journal_retries; ///< journal writes failed in a row
  static inline const char* name = "request-supervisor";

  bool outcome_decided() const {
    return now == phase::finishing || now == phase::done;
  }
  ticket_request& req() { return rec.request; }
  request_progress& progress() { return rec.progress; }
  bool is_create() const { return rec.request.act == action::create; }

  /// When this request's give-up clock started: at acceptance, or at an
  /// operator's last retry.
  int64_t clock_start() const {
    return rec.progress.retried_at > 0 ? rec.progress.retried_at
                                       : rec.request.accepted_at;
  }

  bool past_give_up(int64_t at) const {
    auto limit = deps.settings->give_up_after_ms;
    return limit > 0 && at - clock_start() >= limit;
  }
};

using self_ptr = supervisor_impl::stateful_pointer<supervisor_state>;

/// Its next try: the sending mark (a create on a solo instance), a slot
/// from the dispatcher, the call; or the journal write that failed, again.
void attempt(self_ptr self);

/// A journal write of `what` failed: written again in a second.
void journal_failed(self_ptr self, const char* what, const caf::error& err);

/// The journal wrote nothing: another instance owns the request now.
void lost(self_ptr self);

/// Journals the outcome, then tells the intake (and ends).
void finish(self_ptr self, request_outcome out);

/// Hands the request back to the intake, due again at `ready_at`.
void passivate(self_ptr self, int64_t ready_at);

/// The answer to the lookup of a create whose outcome was unknown.
void on_lookup(self_ptr self, call_result r);

/// The answer to the call itself.
void on_result(self_ptr self, call_result r);

/// The dispatcher's answer to the slot asked for (by the supervisor, or by
/// the intake at its spawn).
void on_grant(self_ptr self, bool granted);

} // namespace usms::supervisor_detail
