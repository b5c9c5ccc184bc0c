#include "actors/alarm_engine_state.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/alarm_sync.hpp"
#include "caf/actor_system.hpp"

namespace usms::alarm_engine_detail {

namespace {

/// How far before a ticket's creation a first sync starts: USMS's clock
/// may be a little behind ours.
constexpr int64_t clock_slack_ms = 60'000;

} // namespace

alarms::rule_context context_of(const alarm_engine_settings& s, int64_t now) {
  alarms::rule_context c;
  auto& a = c.settings;
  a.update_interval = std::chrono::milliseconds(s.update_interval_ms);
  a.auto_resolve = s.auto_resolve;
  a.resolution_code = s.resolution_code;
  a.reopen_window = std::chrono::milliseconds(s.reopen_window_ms);
  a.sync_interval = std::chrono::milliseconds(s.sync_interval_ms);
  a.keep = std::chrono::milliseconds(s.keep_ms);
  a.flap_threshold = s.flap_threshold;
  a.flap_window = std::chrono::milliseconds(s.flap_window_ms);
  c.has_update = s.has_update;
  c.now = now;
  return c;
}

void arm_tick(self_ptr self) {
  auto& st = self->state;
  auto next = st.timers.next();
  if (!next || (st.tick_at != 0 && st.tick_at <= *next))
    return;
  st.tick_at = *next;
  auto delay = std::max<int64_t>(1, *next - now_ms());
  self->delayed_send(self, std::chrono::milliseconds(delay), tick_atom_v,
                     *next);
}

void on_tick(self_ptr self, int64_t at) {
  auto& st = self->state;
  if (at == st.tick_at)
    st.tick_at = 0;
  for (auto& key : st.timers.take_due(now_ms()))
    feed_rule(self, key, alarms::timer_due{});
  arm_tick(self);
}

// -- steps finishing ----------------------------------------------------------

void on_step_done(self_ptr self, const request_record& rec) {
  auto& st = self->state;
  const auto& key = rec.request.alarm_key;
  if (auto p = st.pending.find(key); p != st.pending.end()) {
    p->second.erase(rec.request.id);
    if (p->second.empty())
      st.pending.erase(p);
  }
  if (rec.request.cause != request_cause::alarm_firing || !rec.outcome)
    return;
  const auto& ref = rec.request.external_reference;
  if (rec.outcome->state != request_state::succeeded) {
    feed_rule(self, key, alarms::create_failed{ref});
    return;
  }
  if (!st.any_ticket) {
    // The first alarm ticket of this run: the sync starts from now.
    st.any_ticket = true;
    st.first_sync_from = now_ms() - clock_slack_ms;
  }
  feed_rule(self, key, alarms::ticket_created{ref, rec.outcome->ticket_id});
}

// -- start, retention ---------------------------------------------------------

namespace {

void on_startup(self_ptr self, alarm_startup& s) {
  auto& st = self->state;
  auto now = now_ms();
  for (auto& p : s.pending)
    st.pending[p.key].insert(p.request_id);
  auto ctx = context_of(st.settings, now);
  for (auto& a : s.active) {
    auto key = a.record.key;
    auto& slot = st.slots[key];
    slot.loaded = true;
    slot.version = a.version;
    slot.used_at = now;
    if (auto at = alarms::due(a.record, ctx))
      st.timers.set(key, std::max(*at, now));
    slot.record = std::move(a.record);
  }
  arm_tick(self);
  for (auto& c : s.cursors)
    st.cursors[c.type] = std::move(c);
  // A first sync starts a minute before the oldest alarm ticket.
  st.any_ticket = s.oldest_ticket_at > 0 || !s.creates.empty();
  st.first_sync_from = (s.oldest_ticket_at > 0 ? s.oldest_ticket_at : now)
                       - clock_slack_ms;
  st.started = true;
  if (!s.active.empty() || !s.pending.empty())
    spdlog::info("alarms: {} waiting for a create or a timer, {} step(s) "
                 "unfinished",
                 s.active.size(), s.pending.size());
  // Creates that finished while the engine was not running.
  for (auto& c : s.creates) {
    if (!is_finished(c.state))
      continue;
    if (c.state == request_state::succeeded)
      feed_rule(self, c.key,
                alarms::ticket_created{c.external_reference, c.ticket_id});
    else
      feed_rule(self, c.key, alarms::create_failed{c.external_reference});
  }
  for (auto& rec : std::exchange(st.early_done, {}))
    on_step_done(self, rec);
  for (auto& [key, slot] : st.slots)
    if (!slot.queue.empty())
      pump(self, key);
  self->send(self, sync_atom_v);
  self->send(self, sweep_atom_v);
}

} // namespace

void start(self_ptr self) {
  auto& st = self->state;
  self->request(st.deps.reader, local_timeout, alarm_atom_v, start_atom_v)
    .then([self](alarm_startup& s) { on_startup(self, s); },
          [self](caf::error& err) {
            spdlog::error("alarms: cannot read their state, trying again: "
                          "{}",
                          to_string(err));
            self->delayed_send(self, retry_delay, start_atom_v);
          });
}

namespace {

/// Retention looks twice per `alarms.keep`, but at most once a second and
/// at least once a minute.
std::chrono::milliseconds sweep_period(const alarm_engine_settings& s) {
  return std::chrono::milliseconds(
    std::clamp<int64_t>(s.keep_ms / 2, 1'000, 60'000));
}

} // namespace

void sweep(self_ptr self) {
  auto& st = self->state;
  self->delayed_send(self, sweep_period(st.settings), sweep_atom_v);
  auto now = now_ms();
  auto before = now - st.settings.keep_ms;
  self->request(st.deps.reader, local_timeout, alarm_atom_v, sweep_atom_v,
                before, sweep_batch)
    .then(
      [self](std::vector<std::string>& keys) {
        for (auto& key : keys) {
          queued_input q;
          q.in.kind = alarms::batch_kind::sweep;
          feed(self, key, std::move(q));
        }
      },
      [](caf::error& err) {
        spdlog::warn("alarms: retention could not read: {}", to_string(err));
      });
  self->request(st.deps.journal, local_timeout, alarm_atom_v, sweep_atom_v,
                before)
    .then([](int64_t) {},
          [](caf::error& err) {
            spdlog::warn("alarms: old events not pruned: {}",
                         to_string(err));
          });
  if (st.slots.size() <= cache_limit)
    return;
  for (auto i = st.slots.begin(); i != st.slots.end();) {
    auto& slot = i->second;
    if (!slot.busy && slot.queue.empty() && slot.used_at < now - idle_ms)
      i = st.slots.erase(i);
    else
      ++i;
  }
}

// -- the sync from USMS -------------------------------------------------------

void start_sync(self_ptr self) {
  auto& st = self->state;
  self->delayed_send(self,
                     std::chrono::milliseconds(
                       std::max<int64_t>(100, st.settings.sync_interval_ms)),
                     sync_atom_v);
  if (st.settings.sync_types.empty() || !st.any_ticket || st.syncing)
    return;
  std::vector<alarm_sync_cursor> cursors;
  for (auto& type : st.settings.sync_types) {
    auto c = st.cursors.find(type);
    cursors.push_back(c != st.cursors.end()
                        ? c->second
                        : alarm_sync_cursor{type, st.first_sync_from, {}});
  }
  st.syncing = true;
  spawn_alarm_sync(self->system(),
                   {st.deps.dispatcher, st.deps.reader,
                    caf::actor_cast<alarm_engine_actor>(self)},
                   std::move(cursors), st.settings.query_limit);
}

void on_sighting(self_ptr self, alarm_sighting& s) {
  auto key = s.alarm.record.key;
  auto& slot = self->state.slots[key];
  if (!slot.loaded && !slot.busy) {
    // Read with the page: no second read needed.
    slot.loaded = true;
    slot.record = std::move(s.alarm.record);
    slot.version = s.alarm.version;
  }
  feed_rule(self, key,
            alarms::ticket_seen{s.ticket_id, s.status, s.updated_at});
}

void on_sync_end(self_ptr self, std::vector<alarm_sync_cursor>& cursors) {
  auto& st = self->state;
  st.syncing = false;
  for (auto& c : cursors) {
    auto& known = st.cursors[c.type];
    if (known.type == c.type && known.updated_since == c.updated_since
        && known.seen == c.seen)
      continue;
    known = c;
    self->request(st.deps.journal, local_timeout, alarm_atom_v, c)
      .then([](bool) {},
            [](caf::error& err) {
              spdlog::warn("alarm sync: position not saved: {}",
                           to_string(err));
            });
  }
}

} // namespace usms::alarm_engine_detail
