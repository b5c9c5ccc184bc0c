#include "actors/reply_dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/json_writer.hpp"
#include "api/request_views.hpp"
#include "caf/actor_cast.hpp"
#include "caf/actor_system.hpp"
#include "caf/send.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "messages/caf/errors.hpp"
#include "metrics/gateway_metrics.hpp"
#include "transport/http_client.hpp"

namespace usms {

namespace {

using reply_impl = reply_actor::extend<
  caf::reacts_to<replied_atom, std::string, bool, std::string>,
  caf::reacts_to<retry_atom, std::string>, caf::reacts_to<flush_atom>>;

/// Delivery states wait this long for others to join them, so the journal
/// gets them in batches; the timer runs only while states wait.
constexpr auto flush_delay = std::chrono::milliseconds(200);
/// The journal answers every request; this only bounds a lost answer.
constexpr auto journal_timeout = std::chrono::seconds(30);
constexpr auto first_backoff = std::chrono::seconds(1);
constexpr auto max_backoff = std::chrono::seconds(60);

struct delivery {
  request_record rec;
  std::string url;
  int attempts = 0;
  /// A post is under way.
  bool posting = false;
  /// A newer outcome came (an operator retry) while posting: send it next.
  bool superseded = false;
};

struct reply_state {
  journal_actor journal;
  std::shared_ptr<http::client> client;
  std::shared_ptr<std::atomic<bool>> routes_configured;
  int32_t retries = 5;
  /// Every reply route, as the ops store last told them.
  std::vector<reply_route> routes;
  bool routes_known = false;
  /// Finished requests that need a route, waiting for the routes.
  std::vector<request_record> awaiting_routes;
  std::unordered_map<std::string, delivery> active;
  /// Delivery states not yet handed to the journal, oldest first.
  std::vector<reply_state_update> updates;
  bool flush_scheduled = false;
  /// A batch is with the journal: the next one waits for its answer, so
  /// the states of one request are recorded in order.
  bool flushing = false;
  static inline const char* name = "reply-dispatcher";
};

using self_ptr = reply_impl::stateful_pointer<reply_state>;

void schedule_flush(self_ptr self) {
  auto& st = self->state;
  if (st.flush_scheduled || st.flushing || st.updates.empty())
    return;
  st.flush_scheduled = true;
  self->delayed_send(self, flush_delay, flush_atom_v);
}

void record(self_ptr self, reply_state_update update) {
  self->state.updates.push_back(std::move(update));
  schedule_flush(self);
}

/// Hands the waiting states to the journal, which writes them with its
/// next group commit. On failure they are kept, ahead of newer ones.
void flush(self_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.updates.empty() || st.flushing)
    return;
  auto batch = std::move(st.updates);
  st.updates.clear();
  st.flushing = true;
  self->request(st.journal, journal_timeout, reply_state_atom_v, batch)
    .then(
      [self](bool) {
        self->state.flushing = false;
        schedule_flush(self);
      },
      [self, batch](caf::error& err) {
        auto& st = self->state;
        spdlog::warn("reply states not saved yet: {}", to_string(err));
        st.updates.insert(st.updates.begin(), batch.begin(), batch.end());
        st.flushing = false;
        schedule_flush(self);
      });
}

void post(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto i = st.active.find(id);
  if (i == st.active.end())
    return;
  auto& d = i->second;
  ++d.attempts;
  d.posting = true;
  http::outgoing req;
  req.method = "POST";
  req.url = d.url;
  req.headers.push_back({"Content-Type", "application/json"});
  req.headers.push_back({"X-USMS-Request-Id", id});
  req.body = reply_body(d.rec);
  auto me = caf::actor_cast<reply_impl>(self);
  st.client->send(std::move(req), [me, id](http::outcome out) {
    bool ok = out.failure == http::failure_kind::none && out.status >= 200
              && out.status < 300;
    std::string error;
    if (!ok)
      error = out.failure == http::failure_kind::none
                ? "the webhook answered HTTP " + std::to_string(out.status)
                : out.error;
    caf::anon_send(me, replied_atom_v, id, ok, std::move(error));
  });
}

void start_delivery(self_ptr self, request_record rec) {
  auto& st = self->state;
  auto id = rec.request.id;
  if (auto i = st.active.find(id); i != st.active.end()) {
    // The request ran again while its earlier reply was still due: the
    // newer outcome replaces it (posted next, or by the pending retry).
    i->second.rec = std::move(rec);
    i->second.attempts = 0;
    i->second.superseded = i->second.posting;
    return;
  }
  std::string url = rec.request.reply_to;
  if (url.empty()) {
    if (!st.routes_known) {
      st.awaiting_routes.push_back(std::move(rec));
      return;
    }
    url = route_for(st.routes, rec.request.source);
  }
  if (url.empty()) {
    // Nobody asked for a reply: it stays available for polling only.
    record(self, {id, "", 0, ""});
    return;
  }
  st.active.emplace(id, delivery{std::move(rec), url, 0});
  post(self, id);
}

/// True when a delivery for `id` is under way or waiting for the routes.
bool known(const reply_state& st, const std::string& id) {
  return st.active.count(id) > 0
         || std::any_of(st.awaiting_routes.begin(), st.awaiting_routes.end(),
                        [&](auto& rec) { return rec.request.id == id; });
}

reply_impl::behavior_type
reply_dispatcher(self_ptr self, journal_actor journal,
                 std::shared_ptr<http::client> client,
                 std::shared_ptr<std::atomic<bool>> routes_configured,
                 int32_t retries) {
  auto& st = self->state;
  st.journal = std::move(journal);
  st.client = std::move(client);
  st.routes_configured = std::move(routes_configured);
  st.retries = retries;
  return {
    [=](reply_atom, request_record& rec) {
      start_delivery(self, std::move(rec));
    },
    [=](start_atom) {
      self
        ->request(self->state.journal, journal_timeout, pending_replies_atom_v)
        .then(
          [=](std::vector<request_record>& pending) {
            if (!pending.empty())
              spdlog::info("resuming {} reply delivery(ies)", pending.size());
            for (auto& rec : pending)
              // One that finished again since is delivered already.
              if (!known(self->state, rec.request.id))
                start_delivery(self, std::move(rec));
          },
          [](caf::error& err) {
            spdlog::error("cannot resume reply deliveries: {}",
                          to_string(err));
          });
    },
    [=](settings_atom, int32_t n) { self->state.retries = n; },
    [=](ops_route_atom, route_list& list) {
      auto& st = self->state;
      st.routes = std::move(list.routes);
      st.routes_known = true;
      st.routes_configured->store(!st.routes.empty());
      auto waiting = std::move(st.awaiting_routes);
      st.awaiting_routes.clear();
      for (auto& rec : waiting)
        start_delivery(self, std::move(rec));
    },
    [=](replied_atom, const std::string& id, bool ok, std::string& error) {
      auto& st = self->state;
      auto i = st.active.find(id);
      if (i == st.active.end())
        return;
      auto& d = i->second;
      d.posting = false;
      if (d.superseded) {
        d.superseded = false;
        post(self, id);
        return;
      }
      if (ok) {
        metrics().reply_delivered();
        record(self, {id, "delivered", d.attempts, ""});
        st.active.erase(i);
        return;
      }
      metrics().reply_attempt_failed();
      if (d.attempts > st.retries) {
        metrics().reply_gave_up();
        spdlog::warn("request {}: reply to {} failed after {} attempts: {}",
                     id, d.url, d.attempts, error);
        record(self, {id, "failed", d.attempts, error});
        st.active.erase(i);
        return;
      }
      record(self, {id, "pending", d.attempts, error});
      auto backoff = std::min<std::chrono::milliseconds>(
        first_backoff * (1 << std::min(d.attempts - 1, 10)), max_backoff);
      self->delayed_send(self, backoff, retry_atom_v, id);
    },
    [=](retry_atom, const std::string& id) { post(self, id); },
    [=](flush_atom) { flush(self); },
  };
}

} // namespace

std::string reply_body(const request_record& rec) {
  auto& req = rec.request;
  api::json_writer w;
  w.begin_object();
  w.member("request_id", req.id);
  w.member("correlation_id", req.correlation_id);
  w.member("source", req.source);
  w.member("action", to_string(req.act));
  w.member("type", to_string(req.type));
  w.member("state", to_string(rec.progress.state));
  std::string ticket_id = req.ticket_id;
  if (rec.outcome && !rec.outcome->ticket_id.empty())
    ticket_id = rec.outcome->ticket_id;
  if (ticket_id.empty())
    w.key("ticket_id").null();
  else
    w.member("ticket_id", ticket_id);
  if (rec.outcome) {
    auto& out = *rec.outcome;
    if (req.act == action::update && !out.tickets.empty()) {
      w.key("ticket");
      api::write_ticket(w, out.tickets.front());
    }
    if (req.act == action::query && out.state == request_state::succeeded) {
      w.key("tickets").begin_array();
      for (auto& t : out.tickets)
        api::write_ticket(w, t);
      w.end_array();
      w.member("total_count", out.total_count);
    }
    if (!out.reason.empty())
      w.member("reason", out.reason);
    w.member("attempts", out.attempts);
    w.member("finished_at", api::iso_time(out.finished_at));
  } else {
    w.member("attempts", rec.progress.attempts);
  }
  w.end_object();
  return w.str();
}

reply_actor spawn_reply_dispatcher(
  caf::actor_system& sys, journal_actor journal,
  std::shared_ptr<http::client> client,
  std::shared_ptr<std::atomic<bool>> routes_configured, int32_t retries) {
  return sys.spawn(reply_dispatcher, std::move(journal), std::move(client),
                   std::move(routes_configured), retries);
}

} // namespace usms
