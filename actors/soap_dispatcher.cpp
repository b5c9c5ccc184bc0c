#include "actors/soap_dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_map>

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
  caf::reacts_to<tick_atom>>;

using clock_type = std::chrono::steady_clock;

struct dispatcher_state {
  dispatcher_settings settings;
  soap_endpoint endpoint;
  soap_sender sender;
  int in_flight = 0;
  std::deque<caf::typed_response_promise<bool>> waiting;
  struct pending_call {
    caf::typed_response_promise<call_result> promise;
    soap::operation op;
  };
  std::unordered_map<uint64_t, pending_call> calls;
  uint64_t next_call = 1;
  // Token bucket for max_rate: at most one second's worth of burst.
  double tokens = 0;
  clock_type::time_point refilled = clock_type::now();
  bool tick_scheduled = false;
  /// Shutting down: calls under way may finish, no new one starts.
  bool draining = false;
  static inline const char* name = "soap-dispatcher";

  void apply(dispatcher_settings s) {
    endpoint.url = s.url;
    endpoint.creds = {s.username, s.password};
    endpoint.timeout = std::chrono::milliseconds(s.request_timeout_ms);
    settings = std::move(s);
    tokens = std::min(tokens, std::max(1.0, settings.max_rate));
  }

  bool rate_limited() const { return settings.max_rate > 0; }

  void refill() {
    if (!rate_limited())
      return;
    auto now = clock_type::now();
    std::chrono::duration<double> elapsed = now - refilled;
    refilled = now;
    tokens = std::min(std::max(1.0, settings.max_rate),
                      tokens + elapsed.count() * settings.max_rate);
  }
};

using self_ptr = dispatcher_impl::stateful_pointer<dispatcher_state>;

// Grants slots to waiting supervisors while the limits allow.
void grant(self_ptr self) {
  auto& st = self->state;
  if (st.draining)
    return;
  st.refill();
  while (!st.waiting.empty() && st.in_flight < st.settings.max_in_flight) {
    if (st.rate_limited()) {
      if (st.tokens < 1.0) {
        if (!st.tick_scheduled) {
          st.tick_scheduled = true;
          auto wait = std::chrono::duration<double>((1.0 - st.tokens)
                                                    / st.settings.max_rate);
          self->delayed_send(
            self,
            std::max(std::chrono::milliseconds(1),
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                       wait)),
            tick_atom_v);
        }
        return;
      }
      st.tokens -= 1.0;
    }
    ++st.in_flight;
    auto rp = std::move(st.waiting.front());
    st.waiting.pop_front();
    rp.deliver(true);
  }
}

dispatcher_impl::behavior_type
soap_dispatcher(self_ptr self, dispatcher_settings settings,
                soap_sender sender) {
  self->state.apply(std::move(settings));
  self->state.sender = std::move(sender);
  return {
    [=](acquire_atom) -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      self->state.waiting.push_back(rp);
      grant(self);
      return rp;
    },
    [=](release_atom) {
      auto& st = self->state;
      st.in_flight = std::max(0, st.in_flight - 1);
      grant(self);
    },
    [=](dispatch_atom, const soap::call& c) -> caf::result<call_result> {
      auto& st = self->state;
      auto id = st.next_call++;
      auto rp = self->make_response_promise<call_result>();
      st.calls.emplace(id, dispatcher_state::pending_call{rp, c.op});
      metrics().soap_started();
      // The completion runs on an I/O thread: it only sends a message back,
      // and the promise is delivered inside this actor.
      auto me = caf::actor_cast<dispatcher_impl>(self);
      st.sender(c, st.endpoint, [me, id](call_result r) {
        caf::anon_send(me, call_done_atom_v, id, std::move(r));
      });
      return rp;
    },
    [=](call_done_atom, uint64_t id, call_result& r) {
      auto& st = self->state;
      auto i = st.calls.find(id);
      if (i != st.calls.end()) {
        auto rp = std::move(i->second.promise);
        auto op = i->second.op;
        st.calls.erase(i);
        metrics().soap_finished(static_cast<uint8_t>(op),
                                static_cast<uint8_t>(r.kind),
                                static_cast<double>(r.latency_us) / 1e6,
                                r.kind == call_result_kind::answer
                                  || r.kind == call_result_kind::fault);
        rp.deliver(std::move(r));
      }
      st.in_flight = std::max(0, st.in_flight - 1);
      grant(self);
    },
    [=](tick_atom) {
      self->state.tick_scheduled = false;
      grant(self);
    },
    [=](drain_atom) { self->state.draining = true; },
    [=](settings_atom, dispatcher_settings& s) {
      self->state.apply(std::move(s));
      grant(self);
    },
  };
}

} // namespace

dispatcher_actor spawn_soap_dispatcher(caf::actor_system& sys,
                                       dispatcher_settings settings,
                                       soap_sender sender) {
  return sys.spawn(soap_dispatcher, std::move(settings), std::move(sender));
}

} // namespace usms
