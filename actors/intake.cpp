#include "actors/intake.hpp"

#include <atomic>
#include <cstdio>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>

#include "actors/request_supervisor.hpp"
#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "messages/caf/errors.hpp"
#include "metrics/gateway_metrics.hpp"

namespace usms {

namespace {

using intake_impl = intake_actor::extend<
  caf::reacts_to<timeout_atom, std::string, uint64_t>>;

struct waiter {
  uint64_t id;
  caf::typed_response_promise<bool> promise;
};

struct live_request {
  supervisor_actor supervisor; ///< invalid while queued behind its key
  /// The request while no supervisor holds it; moved into the supervisor
  /// when it is spawned (a respawn reads it back from the journal), so a
  /// queued request is kept in memory once.
  std::unique_ptr<request_record> record;
  /// A create's ExternalReference when creates with it run one at a time.
  std::string serial_key;
};

struct intake_state {
  journal_actor journal;
  dispatcher_actor dispatcher;
  reply_actor replies;
  std::shared_ptr<const std::atomic<bool>> routes_configured;
  std::shared_ptr<const pipeline_settings> settings;
  /// Every unfinished request this process knows, by id.
  std::unordered_map<std::string, live_request> live;
  /// Supervisor address → request id, for down messages.
  std::unordered_map<caf::actor_addr, std::string> by_addr;
  /// Creates waiting for an earlier create with the same ExternalReference.
  std::unordered_map<std::string, std::deque<std::string>> key_queue;
  std::unordered_map<std::string, std::vector<waiter>> waiters;
  uint64_t next_waiter = 1;
  int64_t accepted = 0;
  static inline const char* name = "intake";
};

using self_ptr = intake_impl::stateful_pointer<intake_state>;

/// No timeout on journal requests: the journal is in this process and
/// answers each one. A timeout could fire on a write that still commits
/// later: a request journaled (and resumed only at the next start) but
/// never admitted here. The HTTP side has its own timeout for the caller.
constexpr auto journal_timeout = caf::infinite;

void spawn_supervisor(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto i = st.live.find(id);
  if (i == st.live.end())
    return;
  auto& entry = i->second;
  supervisor_deps deps{st.journal, st.dispatcher,
                       caf::actor_cast<intake_actor>(self), st.settings,
                       st.routes_configured};
  if (!entry.record)
    return; // a supervisor has it already
  entry.supervisor = spawn_request_supervisor(
    self->system(), std::move(*entry.record), std::move(deps));
  entry.record.reset();
  self->monitor(entry.supervisor);
  st.by_addr.emplace(entry.supervisor.address(), id);
}

/// Starts `rec` now, or queues it behind a create with the same key.
void admit(self_ptr self, request_record rec) {
  auto& st = self->state;
  auto id = rec.request.id;
  bool serialize = rec.request.act == action::create
                   && !rec.request.external_reference.empty();
  auto key = serialize ? rec.request.external_reference : std::string{};
  st.live.emplace(id, live_request{supervisor_actor{},
                                   std::make_unique<request_record>(
                                     std::move(rec)),
                                   key});
  metrics().enter(queue_slot::queued);
  if (serialize) {
    auto& q = st.key_queue[key];
    q.push_back(id);
    if (q.size() > 1)
      return; // runs when the creates before it have finished
  }
  spawn_supervisor(self, id);
}

/// A request finished: wake its waiters and the next create on its key.
void retire(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto i = st.live.find(id);
  if (i == st.live.end())
    return;
  auto key = std::move(i->second.serial_key);
  bool serialize = !key.empty();
  if (i->second.supervisor)
    st.by_addr.erase(i->second.supervisor.address());
  st.live.erase(i);
  if (auto w = st.waiters.find(id); w != st.waiters.end()) {
    for (auto& x : w->second)
      x.promise.deliver(true);
    st.waiters.erase(w);
  }
  if (!serialize)
    return;
  auto q = st.key_queue.find(key);
  if (q == st.key_queue.end())
    return;
  auto& ids = q->second;
  ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  if (ids.empty()) {
    st.key_queue.erase(q);
    return;
  }
  auto next = ids.front();
  auto n = st.live.find(next);
  if (n != st.live.end() && !n->second.supervisor)
    spawn_supervisor(self, next);
}

intake_impl::behavior_type
intake(self_ptr self, journal_actor journal, dispatcher_actor dispatcher,
       reply_actor replies,
       std::shared_ptr<const std::atomic<bool>> routes_configured,
       pipeline_settings settings) {
  auto& st = self->state;
  st.journal = std::move(journal);
  st.dispatcher = std::move(dispatcher);
  st.replies = std::move(replies);
  st.routes_configured = std::move(routes_configured);
  st.settings = std::make_shared<const pipeline_settings>(std::move(settings));
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto i = st.by_addr.find(dm.source);
    if (i == st.by_addr.end())
      return;
    auto id = i->second;
    st.by_addr.erase(i);
    auto l = st.live.find(id);
    if (l == st.live.end())
      return;
    // A supervisor that ended without reporting its outcome crashed (or the
    // system is stopping): start it again from the journal's view.
    l->second.supervisor = supervisor_actor{};
    if (dm.reason && dm.reason != caf::exit_reason::user_shutdown) {
      spdlog::error("request {}: supervisor crashed ({}); restarting it", id,
                    to_string(dm.reason));
      self->request(st.journal, journal_timeout, caf::get_atom_v, id)
        .then(
          [self, id](std::vector<request_record>& recs) {
            auto l = self->state.live.find(id);
            if (recs.empty() || l == self->state.live.end())
              return;
            l->second.record
              = std::make_unique<request_record>(std::move(recs.front()));
            spawn_supervisor(self, id);
          },
          [id](caf::error& err) {
            spdlog::error("request {}: cannot restart: {}", id,
                          to_string(err));
          });
    }
  });
  return {
    [=](submit_atom, ticket_request& req)
      -> caf::result<std::string, bool> {
      auto& st = self->state;
      if (static_cast<int64_t>(st.live.size()) >= st.settings->max_pending) {
        metrics().rejected_full();
        return caf::make_error(gateway_errc::intake_full,
                               "too many unfinished requests");
      }
      assign_identity(req);
      auto rp = self->make_response_promise<std::string, bool>();
      self->request(st.journal, journal_timeout, append_atom_v, req)
        .then(
          [self, rp, req](std::string& id, bool existed) mutable {
            if (!existed) {
              ++self->state.accepted;
              metrics().accepted(req.act, req.type);
              request_record rec;
              rec.request = std::move(req);
              admit(self, std::move(rec));
            }
            rp.deliver(std::move(id), existed);
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](wait_atom, const std::string& id, int64_t wait_ms) -> caf::result<bool> {
      auto& st = self->state;
      if (st.live.count(id) == 0 || wait_ms <= 0)
        return st.live.count(id) == 0;
      auto rp = self->make_response_promise<bool>();
      auto wid = st.next_waiter++;
      st.waiters[id].push_back(waiter{wid, rp});
      self->delayed_send(self, std::chrono::milliseconds(wait_ms),
                         timeout_atom_v, id, wid);
      return rp;
    },
    [=](timeout_atom, const std::string& id, uint64_t wid) {
      auto& st = self->state;
      auto w = st.waiters.find(id);
      if (w == st.waiters.end())
        return;
      auto& list = w->second;
      for (auto i = list.begin(); i != list.end(); ++i)
        if (i->id == wid) {
          i->promise.deliver(false);
          list.erase(i);
          break;
        }
      if (list.empty())
        st.waiters.erase(w);
    },
    [=](cancel_atom, const std::string& id) -> caf::result<bool> {
      auto& st = self->state;
      auto i = st.live.find(id);
      if (i == st.live.end())
        return caf::make_error(gateway_errc::not_found,
                               "no unfinished request " + id);
      if (!i->second.supervisor) {
        // Queued behind an earlier create with the same key: spawn it so it
        // can journal its own cancellation; it is not in flight.
        spawn_supervisor(self, id);
      }
      if (!i->second.supervisor) // its crashed supervisor is being restarted
        return caf::make_error(gateway_errc::conflict,
                               "request " + id
                                 + " is restarting; try again in a moment");
      return self->delegate(i->second.supervisor, cancel_atom_v);
    },
    [=](retry_atom, const std::string& id) -> caf::result<bool> {
      auto& st = self->state;
      if (st.live.count(id))
        return caf::make_error(gateway_errc::conflict,
                               "request " + id + " is not finished");
      auto rp = self->make_response_promise<bool>();
      self->request(st.journal, journal_timeout, requeue_atom_v, id)
        .then(
          [self, rp, id](std::vector<request_record>& recs) mutable {
            if (recs.empty()) {
              rp.deliver(caf::make_error(gateway_errc::conflict,
                                         "request " + id
                                           + " is unknown or not finished"));
              return;
            }
            if (self->state.live.count(id) == 0)
              admit(self, std::move(recs.front()));
            rp.deliver(true);
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](done_atom, request_record& rec) {
      retire(self, rec.request.id);
      if (rec.reply_state == "pending" && self->state.replies)
        self->send(self->state.replies, reply_atom_v, std::move(rec));
    },
    [=](settings_atom, pipeline_settings& s) {
      self->state.settings
        = std::make_shared<const pipeline_settings>(std::move(s));
    },
    [=](start_atom) {
      auto& st = self->state;
      self->request(st.journal, journal_timeout, resume_atom_v)
        .then(
          [self](std::vector<request_record>& recs) {
            if (!recs.empty())
              spdlog::info("resuming {} unfinished request(s)", recs.size());
            for (auto& rec : recs)
              if (self->state.live.count(rec.request.id) == 0)
                admit(self, std::move(rec));
          },
          [](caf::error& err) {
            spdlog::critical("cannot resume journaled requests: {}",
                             to_string(err));
          });
    },
    [=](drain_atom) -> bool {
      // Shutdown: stop every supervisor. What they had not finished stays
      // journaled and resumes at the next start.
      auto& st = self->state;
      for (auto& [id, entry] : st.live)
        if (entry.supervisor)
          self->send_exit(entry.supervisor, caf::exit_reason::user_shutdown);
      for (auto& [id, list] : st.waiters)
        for (auto& w : list)
          w.promise.deliver(false);
      st.waiters.clear();
      st.by_addr.clear();
      st.live.clear();
      st.key_queue.clear();
      return true;
    },
    [=](stats_atom) -> caf::result<int64_t, int64_t> {
      return {static_cast<int64_t>(self->state.live.size()),
              self->state.accepted};
    },
  };
}

} // namespace

std::string make_request_id() {
  static std::atomic<uint32_t> counter{0};
  char buf[40];
  auto n = counter.fetch_add(1, std::memory_order_relaxed);
  std::snprintf(buf, sizeof(buf), "r%011llx%06x",
                static_cast<unsigned long long>(now_ms()), n & 0xffffffu);
  return buf;
}

void assign_identity(ticket_request& req) {
  if (req.id.empty())
    req.id = make_request_id();
  if (req.accepted_at == 0)
    req.accepted_at = now_ms();
  if (req.act == action::create && req.external_reference.empty())
    req.external_reference = !req.correlation_id.empty() ? req.correlation_id
                                                         : req.id;
}

intake_actor spawn_intake(
  caf::actor_system& sys, journal_actor journal, dispatcher_actor dispatcher,
  reply_actor replies,
  std::shared_ptr<const std::atomic<bool>> routes_configured,
  pipeline_settings settings) {
  return sys.spawn(intake, std::move(journal), std::move(dispatcher),
                   std::move(replies), std::move(routes_configured),
                   std::move(settings));
}

} // namespace usms
