#include "actors/soap_dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "actors/call_outcome.hpp"
#include "actors/usms_health.hpp"
#include "caf/actor_cast.hpp"
#include "caf/actor_system.hpp"
#include "caf/send.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "metrics/gateway_metrics.hpp"

namespace usms {

namespace {

using dispatcher_impl = dispatcher_actor::extend<
  caf::reacts_to<call_done_atom, uint64_t, call_result>,
  caf::reacts_to<tick_atom, uint64_t>>;

/// How often the limits are raised while ramping up after an outage.
constexpr int64_t ramp_step_ms = 100;

/// The probe's query: a filter nothing matches, one result at most.
constexpr const char* probe_reference = "usms-gateway-probe";

/// The health settings of `s` for one of `instances` live instances: each
/// takes its share of the cluster-wide limits.
health_settings health_from(const dispatcher_settings& s,
                            int64_t instances = 1) {
  health_settings h;
  h.breaker_failures = std::max(1, s.breaker_failures);
  h.probe_interval_ms = s.probe_interval_ms;
  h.recovery_ramp_ms = s.recovery_ramp_ms;
  h.max_retry_after_ms = s.max_retry_after_ms;
  auto n = static_cast<int>(std::max<int64_t>(1, instances));
  h.max_in_flight = std::max(1, s.max_in_flight / n);
  h.max_rate = s.max_rate / n;
  return h;
}

struct dispatcher_state {
  dispatcher_settings settings;
  soap_endpoint endpoint;
  soap_sender sender;
  usms_health health{health_settings{}, now_ms()};
  std::shared_ptr<usms_board> board;
  /// This instance's lease in the cluster; null when it is alone.
  std::shared_ptr<const cluster_board> lease;
  /// Live instances the limits are shared by, as last applied.
  int64_t sharing = 1;
  /// Told of every change of USMS status (the intake).
  caf::actor listener;
  int in_flight = 0;
  /// Asked for a slot, in the order asked: by a request (its promise), or
  /// for a supervisor by the intake (told by message).
  struct slot_waiter {
    caf::typed_response_promise<bool> promise;
    caf::actor supervisor;
    caf::actor_addr asker; ///< the supervisor, or whoever sent the request
  };
  std::deque<slot_waiter> waiting;
  /// Granted a slot they have neither dispatched in nor released: what to
  /// take back should one end before it does (release_atom with its
  /// address, from the intake that watches them).
  std::unordered_set<caf::actor_addr> holders;
  /// The holder of the probe slot while probe_slot_granted.
  caf::actor_addr probe_holder;
  struct pending_call {
    caf::typed_response_promise<call_result> promise; ///< none for probes
    bool probe = false;
  };
  std::unordered_map<uint64_t, pending_call> calls;
  uint64_t next_call = 1;
  /// Without a query operation a held request is lent as the probe: its
  /// slot is granted, and its call is the probe.
  bool probe_slot_granted = false;
  // Token bucket for the rate limit: at most one second's worth of burst.
  double tokens = 0;
  int64_t refilled_ms = now_ms();
  /// The earliest tick already scheduled (0: none); ticks carry their time
  /// so a stale one is recognised.
  int64_t tick_at = 0;
  /// Shutting down: calls under way may finish, no new one starts.
  bool draining = false;
  static inline const char* name = "soap-dispatcher";

  void apply(dispatcher_settings s) {
    bool credentials_changed = s.username != settings.username
                               || s.password != settings.password;
    endpoint.url = s.url;
    endpoint.creds = {s.username, s.password};
    endpoint.timeout = std::chrono::milliseconds(s.request_timeout_ms);
    settings = std::move(s);
    health.configure(health_from(settings, sharing));
    if (credentials_changed)
      note(health.credentials_changed(now_ms()));
  }

  /// Logs and counts a change of USMS state, once.
  void note(const std::optional<health_transition>& t) {
    if (!t)
      return;
    auto line = fmt::format("USMS {} → {}: {}", to_string(t->from),
                            to_string(t->to), t->why);
    if (counts_as_up(t->to))
      spdlog::info(line);
    else
      spdlog::warn(line);
    metrics().usms_transition(static_cast<uint8_t>(t->to));
    publish(true);
  }

  usms_status status() const {
    auto now = now_ms();
    usms_status s;
    s.state = std::string{to_string(health.state())};
    s.available = counts_as_up(health.state());
    s.since = health.since();
    s.last_error = health.last_error();
    s.next_probe_at = health.next_probe_at().value_or(0);
    s.paused_until = health.paused_until().value_or(0);
    s.wants_probe_request = !settings.probe_by_query
                            && health.state() == usms_state::probing
                            && !probe_slot_granted;
    s.in_flight_limit = health.in_flight_limit(now);
    return s;
  }

  void publish(bool changed) {
    auto s = status();
    metrics().set_usms_state(static_cast<uint8_t>(health.state()));
    if (board)
      board->publish(s);
    if (changed && listener)
      caf::anon_send(listener, usms_atom_v, std::move(s));
  }

  /// Takes a token for one call; false when the rate allows none now.
  bool take_token(int64_t now) {
    double rate = health.rate_limit(now);
    if (rate <= 0)
      return true;
    double burst = std::max(1.0, rate);
    tokens = std::min(burst, tokens + (now - refilled_ms) * rate / 1000.0);
    refilled_ms = now;
    if (tokens < 1.0)
      return false;
    tokens -= 1.0;
    return true;
  }

  /// Milliseconds until the rate allows one more call.
  int64_t token_wait(int64_t now) const {
    double rate = health.rate_limit(now);
    if (rate <= 0)
      return 0;
    return std::max<int64_t>(1, static_cast<int64_t>((1.0 - tokens) * 1000.0
                                                     / rate));
  }
};

using self_ptr = dispatcher_impl::stateful_pointer<dispatcher_state>;

void schedule_tick(self_ptr self, int64_t at) {
  auto& st = self->state;
  if (st.tick_at != 0 && st.tick_at <= at)
    return;
  st.tick_at = at;
  auto delay = std::max<int64_t>(0, at - now_ms());
  self->delayed_send(self, std::chrono::milliseconds(delay), tick_atom_v,
                     static_cast<uint64_t>(at));
}

void send_call(self_ptr self, const soap::call& c,
               caf::typed_response_promise<call_result> rp, bool probe) {
  auto& st = self->state;
  auto id = st.next_call++;
  st.calls.emplace(id, dispatcher_state::pending_call{std::move(rp), probe});
  metrics().soap_started();
  // The completion runs on an I/O thread: it only sends a message back,
  // and the promise is delivered inside this actor.
  auto me = caf::actor_cast<dispatcher_impl>(self);
  st.sender(c, st.endpoint, [me, id](call_result r) {
    caf::anon_send(me, call_done_atom_v, id, std::move(r));
  });
}

void send_probe(self_ptr self) {
  auto& st = self->state;
  soap::call c;
  c.act = action::query;
  c.type = st.settings.probe_type;
  if (!st.settings.probe_filter.empty())
    c.filter[st.settings.probe_filter] = probe_reference;
  c.max_results = 1;
  ++st.in_flight;
  metrics().usms_probe_sent();
  send_call(self, c, {}, true);
}

/// Grants (or refuses) the slot to the one asking longest; returns who.
caf::actor_addr answer_first_waiter(self_ptr self, bool granted) {
  auto& st = self->state;
  auto w = std::move(st.waiting.front());
  st.waiting.pop_front();
  auto who = w.asker;
  if (granted && who) // (std::hash of an empty address would crash)
    st.holders.insert(who);
  if (w.supervisor)
    self->send(caf::actor_cast<supervisor_actor>(w.supervisor), slot_atom_v,
               granted);
  else
    w.promise.deliver(granted);
  return who;
}

/// `who` holds no slot any more (it dispatched its call, or gave it back).
void holds_none(dispatcher_state& st, const caf::strong_actor_ptr& who) {
  if (who)
    st.holders.erase(caf::actor_cast<caf::actor_addr>(who));
}

/// What to do now: probes, pauses ending, ramp steps, and granting slots to
/// waiting supervisors within the limits (or telling them they are held).
void step(self_ptr self) {
  auto& st = self->state;
  auto now = now_ms();
  // An instance came or went: the cluster-wide limits are shared anew.
  if (st.lease && st.lease->live_instances() != st.sharing) {
    st.sharing = st.lease->live_instances();
    st.health.configure(health_from(st.settings, st.sharing));
  }
  st.note(st.health.tick(now));
  if (st.health.probe_due(now) && !st.draining) {
    // Without a query operation the probe is a held request the intake
    // lends (status().wants_probe_request); while up, requests flow anyway.
    st.note(st.health.probe_sent(now));
    if (st.settings.probe_by_query)
      send_probe(self);
  }
  if (st.draining)
    return;
  auto state = st.health.state();
  if (!counts_as_up(state)) {
    if (state == usms_state::probing && !st.settings.probe_by_query
        && !st.probe_slot_granted && !st.waiting.empty()) {
      st.probe_slot_granted = true;
      ++st.in_flight;
      metrics().usms_probe_sent();
      st.probe_holder = answer_first_waiter(self, true);
      st.publish(false);
    }
    // Nothing else may be sent: the waiting supervisors hand their
    // requests back to the intake until USMS is available again.
    while (!st.waiting.empty())
      answer_first_waiter(self, false);
  } else {
    auto limit = st.health.in_flight_limit(now);
    while (!st.waiting.empty() && st.in_flight < limit) {
      if (!st.take_token(now)) {
        schedule_tick(self, now + st.token_wait(now));
        break;
      }
      ++st.in_flight;
      answer_first_waiter(self, true);
    }
  }
  // The next moment something changes on its own.
  if (auto at = st.health.next_probe_at())
    schedule_tick(self, std::max(*at, now + 1));
  if (auto at = st.health.paused_until())
    schedule_tick(self, *at);
  if (st.health.state() == usms_state::ramping)
    schedule_tick(self, now + ramp_step_ms);
}

/// The answer to a call the lease does not allow: not sent, so the request
/// is tried again later (by whoever owns it then).
call_result not_sent_without_lease() {
  call_result r;
  r.kind = call_result_kind::transport;
  r.request_sent = false;
  r.error = "not sent: this instance's lease on its requests is about to "
            "expire or was lost";
  return r;
}

dispatcher_impl::behavior_type
soap_dispatcher(self_ptr self, dispatcher_settings settings,
                soap_sender sender, std::shared_ptr<usms_board> board,
                std::shared_ptr<const cluster_board> lease) {
  auto& st = self->state;
  st.board = std::move(board);
  st.lease = std::move(lease);
  st.apply(std::move(settings));
  st.sender = std::move(sender);
  st.publish(false);
  return {
    [=](acquire_atom) -> caf::result<bool> {
      // Before the promise: making it takes the sender from the message.
      auto who = caf::actor_cast<caf::actor_addr>(self->current_sender());
      auto rp = self->make_response_promise<bool>();
      self->state.waiting.push_back({rp, nullptr, std::move(who)});
      step(self);
      return rp;
    },
    [=](acquire_atom, caf::actor& supervisor) {
      auto who = supervisor.address();
      self->state.waiting.push_back({{}, std::move(supervisor), who});
      step(self);
    },
    [=](release_atom) {
      auto& st = self->state;
      holds_none(st, self->current_sender());
      st.in_flight = std::max(0, st.in_flight - 1);
      if (st.probe_slot_granted) {
        // The request lent as the probe was not sent after all.
        st.probe_slot_granted = false;
        st.health.probe_abandoned(now_ms());
        st.publish(true);
      }
      step(self);
    },
    [=](release_atom, const caf::actor_addr& ended) {
      // A supervisor ended without handing its request back (it crashed):
      // what it waited for or held goes to the others.
      auto& st = self->state;
      auto& w = st.waiting;
      w.erase(std::remove_if(w.begin(), w.end(),
                             [&](const auto& x) { return x.asker == ended; }),
              w.end());
      if (!ended || st.holders.erase(ended) == 0)
        return;
      spdlog::warn("a supervisor ended holding a SOAP slot: taken back");
      st.in_flight = std::max(0, st.in_flight - 1);
      if (st.probe_slot_granted && st.probe_holder == ended) {
        st.probe_slot_granted = false;
        st.health.probe_abandoned(now_ms());
        st.publish(true);
      }
      step(self);
    },
    [=](dispatch_atom, const soap::call& c) -> caf::result<call_result> {
      auto& st = self->state;
      holds_none(st, self->current_sender());
      bool probe = st.probe_slot_granted;
      st.probe_slot_granted = false;
      // The last check before the bytes leave: an instance whose lease ran
      // out (it was paused) may have had this request taken over.
      if (st.lease && !st.lease->may_send()) {
        st.in_flight = std::max(0, st.in_flight - 1);
        if (probe) {
          st.health.probe_abandoned(now_ms());
          st.publish(true);
        }
        step(self);
        return not_sent_without_lease();
      }
      auto rp = self->make_response_promise<call_result>();
      send_call(self, c, rp, probe);
      return rp;
    },
    [=](call_done_atom, uint64_t id, call_result& r) {
      auto& st = self->state;
      st.in_flight = std::max(0, st.in_flight - 1);
      auto i = st.calls.find(id);
      if (i == st.calls.end())
        return;
      auto call = std::move(i->second);
      st.calls.erase(i);
      metrics().soap_finished(r.operation, static_cast<uint8_t>(r.kind),
                              static_cast<double>(r.latency_us) / 1e6,
                              r.kind == call_result_kind::answer
                                || r.kind == call_result_kind::fault);
      auto outcome = classify(r);
      if (call.probe)
        metrics().usms_probe_answered(outcome.signal == health_signal::life);
      st.note(st.health.on_outcome(outcome, call.probe, now_ms()));
      if (call.promise.pending())
        call.promise.deliver(std::move(r));
      step(self);
    },
    [=](tick_atom, uint64_t at) {
      auto& st = self->state;
      if (static_cast<int64_t>(at) == st.tick_at)
        st.tick_at = 0;
      step(self);
      st.publish(false);
    },
    [=](drain_atom) {
      auto& st = self->state;
      st.draining = true;
      // Nothing new starts: waiting supervisors hand their requests back.
      while (!st.waiting.empty())
        answer_first_waiter(self, false);
    },
    [=](settings_atom, dispatcher_settings& s) {
      self->state.apply(std::move(s));
      self->state.publish(false);
      step(self);
    },
    [=](listen_atom, caf::actor& who) {
      self->state.listener = std::move(who);
      self->state.publish(true);
    },
    [=](usms_atom) -> usms_status { return self->state.status(); },
    [=](usms_atom, pause_atom) -> usms_status {
      auto& st = self->state;
      st.note(st.health.pause(now_ms()));
      step(self);
      return st.status();
    },
    [=](usms_atom, resume_dispatch_atom) -> usms_status {
      auto& st = self->state;
      st.note(st.health.resume(now_ms()));
      step(self);
      return st.status();
    },
    [=](usms_atom, probe_atom) -> usms_status {
      auto& st = self->state;
      st.health.probe_now(now_ms());
      step(self);
      st.publish(true);
      return st.status();
    },
  };
}

} // namespace

dispatcher_actor
spawn_soap_dispatcher(caf::actor_system& sys, dispatcher_settings settings,
                      soap_sender sender, std::shared_ptr<usms_board> board,
                      std::shared_ptr<const cluster_board> lease) {
  return sys.spawn(soap_dispatcher, std::move(settings), std::move(sender),
                   std::move(board), std::move(lease));
}

} // namespace usms
