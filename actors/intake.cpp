#include "actors/intake.hpp"

#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

#include "actors/intake_state.hpp"
#include "caf/actor_system.hpp"
#include "messages/caf/errors.hpp"
#include "metrics/gateway_metrics.hpp"

namespace usms {

namespace {

using namespace intake_detail;

intake_impl::behavior_type
intake(self_ptr self, intake_deps deps, pipeline_settings settings) {
  auto& st = self->state;
  st.journal = std::move(deps.journal);
  st.reader = std::move(deps.reader);
  st.dispatcher = std::move(deps.dispatcher);
  st.replies = std::move(deps.replies);
  st.routes_configured = std::move(deps.routes_configured);
  st.board = std::move(deps.board);
  st.cluster = std::move(deps.cluster);
  st.claims_from_cluster = deps.claims_from_cluster;
  st.settings = std::make_shared<const pipeline_settings>(std::move(settings));
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto i = st.by_addr.find(dm.source);
    if (i == st.by_addr.end())
      return;
    auto id = i->second;
    forget_supervisor(st, id);
    // Ended without handing its request back: whatever slot it asked for
    // or held is not coming back from it.
    self->send(st.dispatcher, release_atom_v, dm.source);
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
    [=](submit_atom, ticket_request& req, submit_reply& reply) {
      auto& st = self->state;
      if (backlog(st) >= st.settings->max_pending) {
        metrics().rejected_full();
        reply.refused(caf::make_error(gateway_errc::intake_full,
                                      "too many unfinished requests"));
        return;
      }
      assign_identity(req);
      // The one copy of the request: the journal's message. This one is
      // kept for the answer and the admission.
      bool with_mark = runs_at_once(st, req);
      auto appended
        = with_mark ? self->request(st.journal, journal_timeout, append_atom_v,
                                    progress_atom_v, req)
                    : self->request(st.journal, journal_timeout, append_atom_v,
                                    req);
      if (with_mark)
        ++st.marking;
      appended.then(
        [self, with_mark, accepted = std::move(reply.accepted),
         req = std::move(req)](std::string& id, bool existed,
                               int64_t seq) mutable {
          auto& st = self->state;
          if (with_mark)
            --st.marking;
          // Answered first: the client waits for nothing else.
          accepted(req, id, existed);
          if (existed)
            return;
          // (A request a claim brought already stays as it was.)
          if (with_mark && !st.index.contains(id))
            st.marked.insert(id);
          admit(self, std::move(req), seq);
          activate(self);
        },
        [self, with_mark,
         refused = std::move(reply.refused)](caf::error& err) {
          if (with_mark)
            --self->state.marking;
          refused(err);
        });
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
      st.in_hand.erase(id); // its cancel reads the journal's view
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
      if (rec.request.cause != request_cause::command && st.alarms)
        self->send(st.alarms, done_atom_v, rec);
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
    [=](claimed_atom, std::vector<index_row>& rows, bool complete) {
      auto& st = self->state;
      if (st.draining)
        return;
      index_rows(st, rows);
      if (complete && !st.resumed) {
        st.resumed = true;
        if (st.index.size() > 0)
          spdlog::info("resuming {} unfinished request(s) taken over in "
                       "the cluster",
                       st.index.size());
      }
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
    [=](start_atom) {
      // In a cluster the requests come from claims: resuming every
      // unfinished request would take the other instances' too.
      if (!self->state.claims_from_cluster)
        resume_from(self, 0, 0);
    },
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
      st.marked.clear();
      return true;
    },
    [=](alarm_atom, alarm_commit& c) -> caf::result<alarm_commit_result> {
      auto& st = self->state;
      if (st.draining)
        return caf::make_error(gateway_errc::shutting_down, "stopping");
      if (!c.requests.empty() && backlog(st) >= st.settings->max_pending) {
        metrics().rejected_full();
        return caf::make_error(gateway_errc::intake_full,
                               "too many unfinished requests");
      }
      for (auto& req : c.requests)
        assign_identity(req);
      auto reqs = c.requests;
      auto rp = self->make_response_promise<alarm_commit_result>();
      self->request(st.journal, journal_timeout, alarm_atom_v, std::move(c))
        .then(
          [self, rp, reqs](alarm_commit_result& res) mutable {
            for (std::size_t i = 0; i < res.seqs.size() && i < reqs.size(); ++i)
              admit(self, std::move(reqs[i]), res.seqs[i]);
            if (!res.seqs.empty())
              activate(self);
            rp.deliver(std::move(res));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](listen_atom, caf::actor& engine) {
      self->state.alarms = caf::actor_cast<alarm_engine_actor>(engine);
    },
    [=](stats_atom) -> caf::result<int64_t, int64_t> {
      return {static_cast<int64_t>(self->state.index.size()),
              self->state.accepted};
    },
  };
}

} // namespace

intake_actor spawn_intake(caf::actor_system& sys, intake_deps deps,
                          pipeline_settings settings) {
  return sys.spawn(intake, std::move(deps), std::move(settings));
}

} // namespace usms
