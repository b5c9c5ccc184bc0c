#include "actors/intake_state.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "caf/actor_system.hpp"
#include "metrics/gateway_metrics.hpp"

namespace usms::intake_detail {

void admit(self_ptr self, ticket_request req, int64_t seq) {
  auto& st = self->state;
  // The journal is shared: a claim may have brought this request already.
  if (st.index.contains(req.id))
    return;
  ++st.accepted;
  metrics().accepted(req.act, req.type);
  st.index.add(entry_of(req, seq, req.accepted_at, 0));
  if (st.in_hand.size() >= in_hand_limit)
    return; // read back from the journal when its turn comes
  request_record rec;
  rec.seq = seq;
  rec.request = std::move(req);
  st.in_hand.emplace(rec.request.id, std::move(rec));
}

bool runs_at_once(const intake_state& st, const ticket_request& req) {
  auto& s = *st.settings;
  // In a cluster the mark is the fence, written with the slot held.
  if (req.act != action::create || s.fence_calls || st.draining
      || !st.resumed || !st.usms.available)
    return false;
  auto window = static_cast<std::size_t>(std::max(1, s.active_window));
  auto busy = st.running.size() + st.loading + st.marking + st.marked.size();
  // Anything ready, or anything ahead of it with its serial key, would go
  // first, and the create would wait marked.
  return busy < window && st.index.inactive() == st.index.delayed()
         && st.index.key_free(serial_key(req));
}

void spawn_supervisor(self_ptr self, request_record rec, activation mode) {
  auto& st = self->state;
  // Whichever way it leaves the wait, it no longer holds a marked place.
  if (st.marked.erase(rec.request.id) > 0 && mode == activation::run)
    mode = activation::run_marked;
  supervisor_deps deps{st.journal, st.dispatcher,
                       caf::actor_cast<intake_actor>(self), st.settings,
                       st.routes_configured, st.board};
  auto id = rec.request.id;
  auto sup = spawn_request_supervisor(self->system(), std::move(rec),
                                      std::move(deps), mode);
  self->monitor(sup);
  // Its first slot is asked for here, not by the supervisor once it runs:
  // supervisors start on either scheduler thread, so the order of their
  // own requests would not be the drain order (writes first, oldest first).
  if (tries_it(mode))
    self->send(st.dispatcher, acquire_atom_v, caf::actor_cast<caf::actor>(sup));
  st.by_addr.emplace(sup.address(), id);
  st.running.emplace(std::move(id), std::move(sup));
}

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
          if (f->second->outcome) {
            // Finished meanwhile (another instance had it, or a late
            // claim brought it again): it never runs twice.
            retire(self, p.id);
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
  if (st.cluster)
    st.cluster->set_owned(static_cast<int64_t>(st.index.size()));
  if (st.board) {
    st.board->set_held(held);
    auto oldest = st.index.oldest_clock_start();
    st.board->set_oldest_held_at(held > 0 && oldest ? *oldest : 0);
  }
}

void activate(self_ptr self) {
  auto& st = self->state;
  if (st.draining)
    return;
  auto now = now_ms();
  auto& s = *st.settings;
  if (s.give_up_after_ms > 0) {
    std::vector<picked> expired;
    for (auto& id : st.index.expired(now, s.give_up_after_ms, give_up_batch))
      if (st.index.take(id)) {
        st.in_hand.erase(id); // its give-up reads the journal's view
        expired.push_back({id, st.index.seq_of(id)});
      }
    if (!expired.empty())
      load_and_spawn(self, std::move(expired), activation::give_up);
  }
  // Creates on their way to the journal with their mark keep their places.
  std::size_t busy = st.running.size() + st.loading + st.marking;
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

void index_rows(intake_state& st, std::vector<index_row>& rows) {
  for (auto& row : rows)
    if (!st.index.contains(row.id))
      st.index.add(entry_of(row));
}

int64_t backlog(const intake_state& st) {
  auto own = static_cast<int64_t>(st.index.size());
  return st.cluster ? own + st.cluster->others_unfinished() : own;
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

} // namespace usms::intake_detail
