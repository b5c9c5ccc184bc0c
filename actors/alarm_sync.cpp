#include "actors/alarm_sync.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/call_outcome.hpp"
#include "alarms/alarm_sync.hpp"
#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/stateful_actor.hpp"
#include "common/iso_time.hpp"

namespace usms {

namespace {

struct sync_run_state {
  alarm_sync_deps deps;
  std::vector<alarm_sync_cursor> cursors;
  int32_t query_limit = 100;
  static inline const char* name = "alarm-sync";
};

using self_ptr = caf::stateful_actor<sync_run_state>*;

void finish(self_ptr self) {
  auto& st = self->state;
  self->send(st.deps.engine, sync_atom_v, st.cursors);
  self->quit();
}

soap::call query_call(const sync_run_state& st,
                      const alarm_sync_cursor& cursor) {
  soap::call c;
  c.act = action::query;
  c.type = parse_ticket_type(cursor.type).value_or(ticket_type::incident);
  c.filter["UpdatedSince"] = format_iso8601_utc_ms(cursor.updated_since);
  c.max_results = std::max(1, st.query_limit);
  return c;
}

void ask_page(self_ptr self, std::size_t i);

/// Sends the engine what the page saw of alarm tickets, then goes on.
void report(self_ptr self, std::size_t i, alarms::sync_page page,
            std::vector<stored_alarm>& found) {
  auto& st = self->state;
  std::vector<alarm_sighting> seen;
  for (auto& a : found)
    for (auto& s : page.sightings)
      if (s.ticket_id == a.record.ticket_id)
        seen.push_back({a, s.ticket_id, s.status, s.updated_at});
  if (!seen.empty())
    self->send(st.deps.engine, sync_atom_v, std::move(seen));
  st.cursors[i] = std::move(page.cursor);
  ask_page(self, page.more ? i : i + 1);
}

void on_page(self_ptr self, std::size_t i, call_result& r) {
  auto& st = self->state;
  if (classify(r).cls != outcome_class::done) {
    spdlog::info("alarm sync: USMS did not answer the query ({}); trying "
                 "again at the next sync",
                 r.error.empty() ? r.error_message : r.error);
    finish(self);
    return;
  }
  auto page = alarms::read_sync_page(st.cursors[i], r.tickets, r.total_count,
                                     std::max(1, st.query_limit));
  if (page.stuck)
    spdlog::warn("alarm sync: more than {} {} tickets were updated in one "
                 "millisecond; some of them may be missed",
                 st.query_limit, st.cursors[i].type);
  std::vector<std::string> ids;
  for (auto& s : page.sightings)
    ids.push_back(s.ticket_id);
  if (ids.empty()) {
    std::vector<stored_alarm> none;
    report(self, i, std::move(page), none);
    return;
  }
  self->request(st.deps.reader, caf::infinite, alarm_atom_v, index_atom_v,
                std::move(ids))
    .then(
      [self, i, page](std::vector<stored_alarm>& found) mutable {
        report(self, i, std::move(page), found);
      },
      [self](caf::error& err) {
        spdlog::warn("alarm sync: cannot read alarms: {}", to_string(err));
        finish(self);
      });
}

void ask_page(self_ptr self, std::size_t i) {
  auto& st = self->state;
  if (i >= st.cursors.size()) {
    finish(self);
    return;
  }
  self->request(st.deps.dispatcher, caf::infinite, acquire_atom_v)
    .then(
      [self, i](bool granted) {
        auto& st = self->state;
        if (!granted) {
          // USMS is not available: no query now.
          finish(self);
          return;
        }
        self
          ->request(st.deps.dispatcher, caf::infinite, dispatch_atom_v,
                    query_call(st, st.cursors[i]))
          .then([self, i](call_result& r) { on_page(self, i, r); },
                [self](caf::error&) { finish(self); });
      },
      [self](caf::error&) { finish(self); });
}

caf::behavior alarm_sync(self_ptr self, alarm_sync_deps deps,
                         std::vector<alarm_sync_cursor> cursors,
                         int32_t query_limit) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.cursors = std::move(cursors);
  st.query_limit = query_limit;
  ask_page(self, 0);
  return {};
}

} // namespace

void spawn_alarm_sync(caf::actor_system& sys, alarm_sync_deps deps,
                      std::vector<alarm_sync_cursor> cursors,
                      int32_t query_limit) {
  sys.spawn(alarm_sync, std::move(deps), std::move(cursors), query_limit);
}

} // namespace usms
