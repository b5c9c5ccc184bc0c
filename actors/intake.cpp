#include "actors/intake.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>

#include "actors/request_index.hpp"
#include "actors/request_supervisor.hpp"
#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "messages/caf/errors.hpp"
#include "metrics/gateway_metrics.hpp"

namespace usms {

namespace {

using intake_impl = intake_actor::extend<
  caf::reacts_to<timeout_atom, std::string, uint64_t>,
  caf::reacts_to<tick_atom, int64_t>>;

/// Index rows read per journal query while resuming.
constexpr int32_t resume_chunk = 10'000;
/// Requests past their give-up time failed per step.
constexpr std::size_t give_up_batch = 256;
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
  std::shared_ptr<const pipeline_settings> settings;
  /// Every unfinished request of this instance, in a few dozen bytes each.
  request_index index;
  /// The active ones: a supervisor each.
  std::unordered_map<std::string, supervisor_actor> running;
  std::unordered_map<caf::actor_addr, std::string> by_addr;
  /// Requests accepted in this step, activated without reading them back.
  std::unordered_map<std::string, request_record> in_hand;
  /// Activations waiting for their records from the journal.
  std::size_t loading = 0;
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

index_entry entry_of(const ticket_request& req, int64_t seq,
                     int64_t clock_start, int64_t ready_at) {
  index_entry e;
  e.id = req.id;
  e.seq = seq;
  e.query = req.act == action::query;
  e.serial_key = serial_key(req);
  e.ready_at = ready_at;
  e.clock_start = clock_start;
  return e;
}

index_entry entry_of(const index_row& row) {
  index_entry e;
  e.id = row.id;
  e.seq = row.seq;
  e.query = row.query;
  e.serial_key = row.serial_key;
  e.ready_at = row.next_attempt_at;
  e.clock_start = row.clock_start;
  return e;
}

void spawn_supervisor(self_ptr self, request_record rec, activation mode) {
  auto& st = self->state;
  supervisor_deps deps{st.journal, st.dispatcher,
                       caf::actor_cast<intake_actor>(self), st.settings,
                       st.routes_configured, st.board};
  auto id = rec.request.id;
  auto sup = spawn_request_supervisor(self->system(), std::move(rec),
                                      std::move(deps), mode);
  self->monitor(sup);
  st.by_addr.emplace(sup.address(), id);
  st.running.emplace(std::move(id), std::move(sup));
}

void activate(self_ptr self);

/// Reads the records of `picks` from the journal and activates them.
void load_and_spawn(self_ptr self, std::vector<picked> picks,
                    activation mode) {
  auto& st = self->state;
  std::vector<int64_t> seqs;
  seqs.reserve(picks.size());
  for (auto& p : picks)
    seqs.push_back(p.seq);
  st.loading += picks.size();
  self->request(st.reader, journal_timeout, load_atom_v, std::move(seqs))
    .then(
      [self, picks, mode](std::vector<request_record>& recs) {
        auto& st = self->state;
        st.loading -= picks.size();
        std::unordered_map<std::string, request_record*> found;
        for (auto& r : recs)
          found.emplace(r.request.id, &r);
        for (auto& p : picks) {
          auto f = found.find(p.id);
          if (f == found.end()) {
            // Finished or gone meanwhile (another path journaled it).
            spdlog::warn("request {}: not in the journal when activated",
                         p.id);
            st.index.finished(p.id);
            continue;
          }
          if (!st.draining && st.index.contains(p.id))
            spawn_supervisor(self, std::move(*f->second), mode);
        }
        activate(self);
      },
      [self, picks](caf::error& err) {
        auto& st = self->state;
        st.loading -= picks.size();
        spdlog::error("cannot read {} request(s) back from the journal: {}; "
                      "trying again in a second",
                      picks.size(), to_string(err));
        auto later = now_ms() + crash_pause_ms;
        for (auto& p : picks)
          st.index.passivated(p.id, later);
        activate(self);
      });
}

void schedule_tick(self_ptr self, int64_t at) {
  auto& st = self->state;
  if (st.tick_at != 0 && st.tick_at <= at)
    return;
  st.tick_at = at;
  auto delay = std::max<int64_t>(1, at - now_ms());
  self->delayed_send(self, std::chrono::milliseconds(delay), tick_atom_v, at);
}

void publish_counts(intake_state& st) {
  auto inactive = static_cast<int64_t>(st.index.inactive());
  auto delayed = static_cast<int64_t>(st.index.delayed());
  // Held: waiting for USMS. While it is available nothing is.
  auto held = st.usms.available ? 0 : inactive;
  metrics().set_queue_waiting(inactive - delayed, delayed);
  if (st.board) {
    st.board->set_held(held);
    auto oldest = st.index.oldest_clock_start();
    st.board->set_oldest_held_at(held > 0 && oldest ? *oldest : 0);
  }
}

/// One step of the drain: fails what waited past its give-up time, then
/// activates requests in drain order while USMS is available and the window
/// has room, then plans the next step.
void activate(self_ptr self) {
  auto& st = self->state;
  if (st.draining)
    return;
  auto now = now_ms();
  auto& s = *st.settings;
  if (s.give_up_after_ms > 0) {
    std::vector<picked> expired;
    for (auto& id : st.index.expired(now, s.give_up_after_ms, give_up_batch))
      if (st.index.take(id))
        expired.push_back({id, st.index.seq_of(id)});
    if (!expired.empty())
      load_and_spawn(self, std::move(expired), activation::give_up);
  }
  std::size_t busy = st.running.size() + st.loading;
  std::size_t room = 0;
  if (st.usms.available) {
    auto window = static_cast<std::size_t>(std::max(1, s.active_window));
    room = busy < window ? window - busy : 0;
  } else if (st.usms.wants_probe_request && busy == 0) {
    // Without a query operation the probe is the oldest held request,
    // sent alone.
    room = 1;
    st.usms.wants_probe_request = false;
  }
  std::vector<picked> to_load;
  for (std::size_t i = 0; i < room; ++i) {
    auto pick = st.index.next_ready(now, !st.resumed);
    if (!pick)
      break;
    auto h = st.in_hand.find(pick->id);
    if (h != st.in_hand.end()) {
      auto rec = std::move(h->second);
      st.in_hand.erase(h);
      spawn_supervisor(self, std::move(rec), activation::run);
    } else {
      to_load.push_back(std::move(*pick));
    }
  }
  // What was not activated now is read back when its turn comes.
  st.in_hand.clear();
  if (!to_load.empty())
    load_and_spawn(self, std::move(to_load), activation::run);
  publish_counts(st);
  // Wake up for the next retry due, and for the next give-up time.
  int64_t next = 0;
  if (auto at = st.index.next_ready_at())
    next = *at;
  if (s.give_up_after_ms > 0)
    if (auto oldest = st.index.oldest_clock_start()) {
      auto due = *oldest + s.give_up_after_ms;
      next = next == 0 ? due : std::min(next, due);
    }
  if (next != 0)
    schedule_tick(self, std::max(next, now + 1));
}

/// A request left the index: wake its waiters, answer cancels.
void retire(self_ptr self, const std::string& id) {
  auto& st = self->state;
  st.index.finished(id);
  if (auto w = st.waiters.find(id); w != st.waiters.end()) {
    for (auto& x : w->second)
      x.promise.deliver(true);
    st.waiters.erase(w);
  }
  if (auto c = st.cancels.find(id); c != st.cancels.end()) {
    for (auto& rp : c->second)
      rp.deliver(true);
    st.cancels.erase(c);
  }
}

void forget_supervisor(intake_state& st, const std::string& id) {
  auto r = st.running.find(id);
  if (r == st.running.end())
    return;
  st.by_addr.erase(r->second.address());
  st.running.erase(r);
}

/// Indexes journal rows (a restart's backlog, or requests retried in bulk).
void index_rows(intake_state& st, std::vector<index_row>& rows) {
  for (auto& row : rows)
    st.index.add(entry_of(row));
}

/// The states a restart finds unfinished requests in, in the order they
/// are indexed: those interrupted in flight first (a create among them is
/// looked up before it is sent again), then those waiting for a retry,
/// then the queued ones.
constexpr request_state resume_states[] = {request_state::in_flight,
                                           request_state::waiting_retry,
                                           request_state::queued};

void resume_from(self_ptr self, std::size_t state_index, int64_t after_seq) {
  auto& st = self->state;
  if (state_index >= std::size(resume_states)) {
    st.resumed = true;
    if (st.index.size() > 0)
      spdlog::info("{} unfinished request(s) resumed from the journal",
                   st.index.size());
    activate(self);
    return;
  }
  auto state = static_cast<int32_t>(resume_states[state_index]);
  self->request(st.reader, journal_timeout, index_atom_v, state, after_seq,
                resume_chunk)
    .then(
      [self, state_index](std::vector<index_row>& rows) {
        auto& st = self->state;
        if (!rows.empty() && st.index.size() == 0)
          spdlog::info("resuming unfinished requests from the journal");
        index_rows(st, rows);
        // Dispatch starts with the first chunk; queries wait for the rest.
        activate(self);
        if (static_cast<int32_t>(rows.size()) == resume_chunk)
          resume_from(self, state_index, rows.back().seq);
        else
          resume_from(self, state_index + 1, 0);
      },
      [](caf::error& err) {
        spdlog::critical("cannot resume journaled requests: {}",
                         to_string(err));
      });
}

intake_impl::behavior_type
intake(self_ptr self, intake_deps deps, pipeline_settings settings) {
  auto& st = self->state;
  st.journal = std::move(deps.journal);
  st.reader = std::move(deps.reader);
  st.dispatcher = std::move(deps.dispatcher);
  st.replies = std::move(deps.replies);
  st.routes_configured = std::move(deps.routes_configured);
  st.board = std::move(deps.board);
  st.settings = std::make_shared<const pipeline_settings>(std::move(settings));
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto i = st.by_addr.find(dm.source);
    if (i == st.by_addr.end())
      return;
    auto id = i->second;
    forget_supervisor(st, id);
    if (!st.index.contains(id) || st.draining)
      return;
    // A supervisor that ended without handing its request back crashed:
    // activate it again from the journal's view, after a pause.
    spdlog::error("request {}: supervisor ended ({}); activating it again "
                  "from the journal",
                  id, to_string(dm.reason));
    st.index.passivated(id, now_ms() + crash_pause_ms);
    activate(self);
  });
  return {
    [=](submit_atom, ticket_request& req) -> caf::result<std::string, bool> {
      auto& st = self->state;
      if (static_cast<int64_t>(st.index.size()) >= st.settings->max_pending) {
        metrics().rejected_full();
        return caf::make_error(gateway_errc::intake_full,
                               "too many unfinished requests");
      }
      assign_identity(req);
      auto rp = self->make_response_promise<std::string, bool>();
      self->request(st.journal, journal_timeout, append_atom_v, req)
        .then(
          [self, rp, req](std::string& id, bool existed,
                          int64_t seq) mutable {
            auto& st = self->state;
            if (!existed) {
              ++st.accepted;
              metrics().accepted(req.act, req.type);
              st.index.add(entry_of(req, seq, req.accepted_at, 0));
              request_record rec;
              rec.seq = seq;
              rec.request = std::move(req);
              st.in_hand.emplace(rec.request.id, std::move(rec));
              activate(self);
            }
            rp.deliver(std::move(id), existed);
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](wait_atom, const std::string& id, int64_t wait_ms) -> caf::result<bool> {
      auto& st = self->state;
      if (!st.index.contains(id) || wait_ms <= 0)
        return !st.index.contains(id);
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
    [=](tick_atom, int64_t at) {
      auto& st = self->state;
      if (at == st.tick_at)
        st.tick_at = 0;
      activate(self);
    },
    [=](cancel_atom, const std::string& id) -> caf::result<bool> {
      auto& st = self->state;
      if (!st.index.contains(id))
        return caf::make_error(gateway_errc::not_found,
                               "no unfinished request " + id);
      if (auto r = st.running.find(id); r != st.running.end())
        return self->delegate(r->second, cancel_atom_v);
      if (!st.index.take(id))
        return caf::make_error(gateway_errc::conflict,
                               "request " + id
                                 + " is being activated; try again in a "
                                   "moment");
      // Waiting in the journal: activate it to journal its cancellation.
      auto rp = self->make_response_promise<bool>();
      st.cancels[id].push_back(rp);
      load_and_spawn(self, {picked{id, st.index.seq_of(id)}},
                     activation::cancel);
      return rp;
    },
    [=](retry_atom, const std::string& id) -> caf::result<bool> {
      auto& st = self->state;
      if (st.index.contains(id))
        return caf::make_error(gateway_errc::conflict,
                               "request " + id + " is not finished");
      auto rp = self->make_response_promise<bool>();
      self->request(st.journal, journal_timeout, requeue_atom_v, id)
        .then(
          [self, rp, id](std::vector<index_row>& rows) mutable {
            if (rows.empty()) {
              rp.deliver(caf::make_error(gateway_errc::conflict,
                                         "request " + id
                                           + " is unknown or not finished"));
              return;
            }
            index_rows(self->state, rows);
            activate(self);
            rp.deliver(true);
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](retry_atom, const status_filter& f) -> caf::result<int64_t> {
      auto& st = self->state;
      auto rp = self->make_response_promise<int64_t>();
      self->request(st.journal, journal_timeout, requeue_atom_v, f)
        .then(
          [self, rp](std::vector<index_row>& rows) mutable {
            index_rows(self->state, rows);
            activate(self);
            rp.deliver(static_cast<int64_t>(rows.size()));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](done_atom, request_record& rec) {
      auto& st = self->state;
      auto id = rec.request.id;
      forget_supervisor(st, id);
      retire(self, id);
      if (rec.reply_state == "pending" && st.replies)
        self->send(st.replies, reply_atom_v, std::move(rec));
      activate(self);
    },
    [=](passivate_atom, const std::string& id, int64_t ready_at) {
      auto& st = self->state;
      forget_supervisor(st, id);
      st.index.passivated(id, ready_at);
      activate(self);
    },
    [=](lost_atom, const std::string& id) {
      // Another instance owns it now: no outcome here, no waiter woken
      // (they read the request back when it finishes there).
      auto& st = self->state;
      forget_supervisor(st, id);
      st.index.finished(id);
      activate(self);
    },
    [=](usms_atom, usms_status& s) {
      auto& st = self->state;
      st.usms = std::move(s);
      activate(self);
    },
    [=](settings_atom, pipeline_settings& s) {
      self->state.settings
        = std::make_shared<const pipeline_settings>(std::move(s));
      activate(self);
    },
    [=](start_atom) { resume_from(self, 0, 0); },
    [=](drain_atom) -> bool {
      // Shutdown: stop every supervisor. What they had not finished stays
      // journaled and resumes at the next start.
      auto& st = self->state;
      st.draining = true;
      for (auto& [id, sup] : st.running)
        self->send_exit(sup, caf::exit_reason::user_shutdown);
      for (auto& [id, list] : st.waiters)
        for (auto& w : list)
          w.promise.deliver(false);
      st.waiters.clear();
      st.cancels.clear();
      st.by_addr.clear();
      st.running.clear();
      st.index.clear();
      st.in_hand.clear();
      return true;
    },
    [=](stats_atom) -> caf::result<int64_t, int64_t> {
      return {static_cast<int64_t>(self->state.index.size()),
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

intake_actor spawn_intake(caf::actor_system& sys, intake_deps deps,
                          pipeline_settings settings) {
  return sys.spawn(intake, std::move(deps), std::move(settings));
}

} // namespace usms
