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
#include "metrics/gateway_metrics.hpp"
#include "persistence/journal_db.hpp"
#include "persistence/schema.hpp"
#include "transport/http_client.hpp"

namespace usms {

namespace {

using reply_impl = reply_actor::extend<
  caf::reacts_to<replied_atom, std::string, bool, std::string>,
  caf::reacts_to<retry_atom, std::string>, caf::reacts_to<tick_atom>>;

/// Delivery state writes are batched and routes re-read this often.
constexpr auto tick_interval = std::chrono::milliseconds(200);
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

struct state_update {
  std::string id;
  std::string state;
  int attempts;
  std::string error;
};

struct reply_state {
  std::unique_ptr<db::database> db;
  std::shared_ptr<http::client> client;
  std::shared_ptr<std::atomic<bool>> routes_configured;
  int32_t retries = 5;
  std::unordered_map<std::string, delivery> active;
  std::vector<state_update> updates;
  int ticks = 0;
  static inline const char* name = "reply-dispatcher";
};

using self_ptr = reply_impl::stateful_pointer<reply_state>;

std::string route_for(reply_state& st, const std::string& source) {
  auto q = st.db->prepare("SELECT url FROM reply_routes WHERE source = ?1");
  for (const auto& key : {source, std::string{"*"}}) {
    if (key.empty())
      continue;
    q.reset().bind(1, key);
    if (q.step())
      return q.text(0);
  }
  return {};
}

void flush_updates(reply_state& st) {
  if (st.updates.empty())
    return;
  try {
    db::in_transaction(*st.db, [&] {
      auto q = st.db->prepare("UPDATE requests SET reply_state = ?2, "
                              "reply_attempts = ?3, reply_error = ?4 "
                              "WHERE id = ?1");
      for (auto& u : st.updates) {
        q.reset().bind(1, u.id).bind(2, u.state).bind_int(3, u.attempts);
        q.bind(4, u.error);
        q.run();
      }
    });
    st.updates.clear();
  } catch (const std::exception& e) {
    // Kept for the next tick: the states are not lost, only late.
    spdlog::warn("reply states not saved yet: {}", e.what());
  }
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
    try {
      url = route_for(st, rec.request.source);
    } catch (const std::exception& e) {
      spdlog::warn("request {}: reply route unknown for now: {}", id,
                   e.what());
      self->delayed_send(self, first_backoff, retry_atom_v, id);
      st.active.emplace(id, delivery{std::move(rec), {}, 0});
      return;
    }
  }
  if (url.empty()) {
    // Nobody asked for a reply: it stays available for polling only.
    st.updates.push_back({id, "", 0, ""});
    return;
  }
  st.active.emplace(id, delivery{std::move(rec), url, 0});
  post(self, id);
}

reply_impl::behavior_type
reply_dispatcher(self_ptr self, std::string path,
                 std::shared_ptr<http::client> client,
                 std::shared_ptr<std::atomic<bool>> routes_configured,
                 int32_t retries) {
  auto& st = self->state;
  st.db = std::make_unique<db::database>(path);
  st.client = std::move(client);
  st.routes_configured = std::move(routes_configured);
  st.retries = retries;
  self->delayed_send(self, tick_interval, tick_atom_v);
  return {
    [=](reply_atom, request_record& rec) {
      start_delivery(self, std::move(rec));
    },
    [=](start_atom) {
      auto& st = self->state;
      try {
        auto q = st.db->prepare(std::string{"SELECT "} + db::request_columns
                                + " FROM requests WHERE reply_state = "
                                  "'pending' ORDER BY seq");
        std::vector<request_record> pending;
        while (q.step())
          pending.push_back(db::read_request_row(q));
        if (!pending.empty())
          spdlog::info("resuming {} reply delivery(ies)", pending.size());
        for (auto& rec : pending)
          start_delivery(self, std::move(rec));
      } catch (const std::exception& e) {
        spdlog::error("cannot resume reply deliveries: {}", e.what());
      }
    },
    [=](settings_atom, int32_t n) { self->state.retries = n; },
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
        st.updates.push_back({id, "delivered", d.attempts, ""});
        st.active.erase(i);
        return;
      }
      metrics().reply_attempt_failed();
      if (d.attempts > st.retries) {
        metrics().reply_gave_up();
        spdlog::warn("request {}: reply to {} failed after {} attempts: {}",
                     id, d.url, d.attempts, error);
        st.updates.push_back({id, "failed", d.attempts, error});
        st.active.erase(i);
        return;
      }
      st.updates.push_back({id, "pending", d.attempts, error});
      auto backoff = std::min<std::chrono::milliseconds>(
        first_backoff * (1 << std::min(d.attempts - 1, 10)), max_backoff);
      self->delayed_send(self, backoff, retry_atom_v, id);
    },
    [=](retry_atom, const std::string& id) {
      auto& st = self->state;
      auto i = st.active.find(id);
      if (i == st.active.end())
        return;
      if (i->second.url.empty()) {
        auto rec = std::move(i->second.rec);
        st.active.erase(i);
        start_delivery(self, std::move(rec));
        return;
      }
      post(self, id);
    },
    [=](tick_atom) {
      auto& st = self->state;
      flush_updates(st);
      try {
        auto q = st.db->prepare("SELECT EXISTS (SELECT 1 FROM reply_routes)");
        st.routes_configured->store(q.step() && q.int64(0) != 0);
      } catch (const std::exception&) {
        // keep the last known value
      }
      self->delayed_send(self, tick_interval, tick_atom_v);
    },
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
  caf::actor_system& sys, const std::string& db_path,
  std::shared_ptr<http::client> client,
  std::shared_ptr<std::atomic<bool>> routes_configured, int32_t retries) {
  return sys.spawn<caf::detached>(reply_dispatcher, db_path, std::move(client),
                                  std::move(routes_configured), retries);
}

} // namespace usms
