#include "actors/alarm_engine.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "actors/alarm_engine_state.hpp"
#include "actors/request_identity.hpp"
#include "caf/actor_system.hpp"
#include "messages/caf/errors.hpp"
#include "metrics/gateway_metrics.hpp"

namespace usms {

namespace alarm_engine_detail {

namespace {

void load(self_ptr self, const std::string& key);
void write(self_ptr self, const std::string& key, key_slot& slot);

} // namespace

void feed(self_ptr self, const std::string& key, queued_input q) {
  self->state.slots[key].queue.push_back(std::move(q));
  pump(self, key);
}

void feed_rule(self_ptr self, const std::string& key,
               alarms::alarm_input input) {
  queued_input q;
  q.in.input = std::move(input);
  feed(self, key, std::move(q));
}

void pump(self_ptr self, const std::string& key) {
  auto& st = self->state;
  if (!st.started)
    return;
  auto it = st.slots.find(key);
  if (it == st.slots.end())
    return;
  auto& slot = it->second;
  if (slot.busy || slot.queue.empty())
    return;
  slot.used_at = now_ms();
  if (!slot.loaded)
    load(self, key);
  else
    write(self, key, slot);
}

// -- reading and writing one key ----------------------------------------------

namespace {

/// Answers what cannot wait for a retry with `err`; the rest of the inputs
/// try again after a pause.
void fail_inputs(self_ptr self, const std::string& key,
                 std::deque<queued_input> inputs, const caf::error& err) {
  std::deque<queued_input> later;
  for (auto& q : inputs) {
    if (q.on_event)
      q.on_event(err);
    else if (q.on_forget)
      q.on_forget(err);
    else
      later.push_back(std::move(q));
  }
  auto& slot = self->state.slots[key];
  slot.queue.insert(slot.queue.begin(), later.begin(), later.end());
  if (!slot.queue.empty())
    self->delayed_send(self, retry_delay, retry_atom_v, key);
}

void load(self_ptr self, const std::string& key) {
  auto& st = self->state;
  st.slots[key].busy = true;
  self->request(st.deps.reader, local_timeout, alarm_atom_v, caf::get_atom_v,
                key)
    .then(
      [self, key](std::vector<stored_alarm>& found) {
        auto& slot = self->state.slots[key];
        slot.busy = false;
        slot.loaded = true;
        slot.record.reset();
        slot.version = 0;
        if (!found.empty()) {
          slot.record = std::move(found.front().record);
          slot.version = found.front().version;
        }
        pump(self, key);
      },
      [self, key](caf::error& err) {
        spdlog::error("alarm {}: cannot be read: {}", key, to_string(err));
        auto& slot = self->state.slots[key];
        slot.busy = false;
        fail_inputs(self, key, std::exchange(slot.queue, {}), err);
      });
}

ticket_request to_request(const std::string& key, alarms::alarm_step step) {
  auto req = std::move(step.request);
  req.cause = step.cause;
  req.alarm_key = key;
  assign_identity(req);
  return req;
}

/// Decides every queued input of the key on its alarm, in order, into one
/// commit.
void decide(self_ptr self, const std::string& key, const key_slot& slot,
            write_batch& b, alarm_commit& c) {
  auto& st = self->state;
  auto ctx = context_of(st.settings, now_ms());
  auto p = st.pending.find(key);
  std::vector<alarms::batch_input> inputs;
  for (auto& q : b.inputs)
    inputs.push_back(q.in);
  auto out = alarms::decide_batch(slot.record, inputs, ctx,
                                  p != st.pending.end() && !p->second.empty());
  for (auto& step : out.steps) {
    c.requests.push_back(to_request(key, std::move(step)));
    b.request_ids.push_back(c.requests.back().id);
  }
  for (std::size_t i = 0; i < b.inputs.size(); ++i) {
    auto& q = b.inputs[i];
    auto& o = out.inputs[i];
    if (q.on_forget)
      b.forgets.emplace_back(q.on_forget, o.had_alarm);
    auto* e = std::get_if<alarm_event>(&q.in.input);
    if (!e || !q.on_event)
      continue;
    auto request_id = o.step ? b.request_ids[*o.step] : std::string{};
    if (o.after)
      c.events.push_back({e->id, key, e->signal, e->at, e->source, request_id});
    b.events.emplace_back(q.on_event,
                          alarm_accepted{key, e->id, request_id,
                                         o.after.has_value(),
                                         o.after.value_or(alarm_record{})});
  }
  b.record = std::move(out.record);
  b.due_at = b.record ? alarms::due(*b.record, ctx).value_or(0) : 0;
  c.key = key;
  c.version = slot.version;
  c.forget = !b.record;
  if (b.record)
    c.record = *b.record;
  c.due_at = b.due_at;
}

void written(self_ptr self, const std::string& key, write_batch& b,
             int64_t version) {
  auto& st = self->state;
  auto& slot = st.slots[key];
  slot.busy = false;
  slot.record = std::move(b.record);
  slot.version = version;
  for (auto& id : b.request_ids)
    st.pending[key].insert(id);
  st.timers.set(key, b.due_at);
  arm_tick(self);
  for (auto& q : b.inputs)
    if (auto* e = std::get_if<alarm_event>(&q.in.input))
      metrics().alarm_event(e->signal == alarm_signal::firing);
  b.answer();
  pump(self, key);
}

void write(self_ptr self, const std::string& key, key_slot& slot) {
  auto& st = self->state;
  auto b = std::make_shared<write_batch>();
  b->inputs = std::exchange(slot.queue, {});
  alarm_commit c;
  decide(self, key, slot, *b, c);
  bool nothing_stored = c.forget && c.version == 0;
  if (nothing_stored || (c.requests.empty() && c.events.empty() && b->record
                         && slot.record && *b->record == *slot.record)) {
    // Nothing to journal: no alarm (a clear of an unknown key), or an
    // input that changed nothing.
    written(self, key, *b, slot.version);
    return;
  }
  slot.busy = true;
  self->request(st.deps.intake, local_timeout, alarm_atom_v, std::move(c))
    .then(
      [self, key, b](alarm_commit_result& res) {
        auto& slot = self->state.slots[key];
        if (res.conflict) {
          // Another writer changed the alarm: read it again and decide
          // the same inputs again.
          spdlog::info("alarm {}: changed elsewhere; deciding again", key);
          slot.busy = false;
          slot.loaded = false;
          slot.queue.insert(slot.queue.begin(), b->inputs.begin(),
                            b->inputs.end());
          pump(self, key);
          return;
        }
        written(self, key, *b, res.version);
      },
      [self, key, b](caf::error& err) {
        spdlog::warn("alarm {}: not journaled: {}", key, to_string(err));
        self->state.slots[key].busy = false;
        fail_inputs(self, key, std::move(b->inputs), err);
      });
}


} // namespace

} // namespace alarm_engine_detail

namespace {

using namespace alarm_engine_detail;

// -- events ------------------------------------------------------------------

void submit_event(self_ptr self, alarm_event e, event_answer answer) {
  if (e.id.empty())
    e.id = make_event_id();
  if (e.at == 0)
    e.at = now_ms();
  auto key = e.key;
  queued_input q;
  q.in.input = std::move(e);
  q.on_event = std::move(answer);
  feed(self, key, std::move(q));
}

/// The answers to a batch of events (an Alertmanager payload): all of
/// them once every event is journaled, or the first error.
struct collector {
  caf::typed_response_promise<std::vector<alarm_accepted>> rp;
  std::vector<alarm_accepted> out;
  std::size_t left = 0;
  bool failed = false;

  void take(std::size_t i, caf::expected<alarm_accepted> a) {
    if (failed)
      return;
    if (!a) {
      // One event not journaled: the whole payload is refused, and its
      // sender sends it again (repeats only count).
      failed = true;
      rp.deliver(a.error());
      return;
    }
    out[i] = std::move(*a);
    if (--left == 0)
      rp.deliver(std::move(out));
  }
};

engine_impl::behavior_type alarm_engine(self_ptr self, alarm_engine_deps deps,
                                        alarm_engine_settings settings) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.settings = std::move(settings);
  return {
    [=](alarm_atom, alarm_event& e) -> caf::result<alarm_accepted> {
      auto rp = self->make_response_promise<alarm_accepted>();
      submit_event(self, std::move(e),
                   [rp](caf::expected<alarm_accepted> a) mutable {
                     if (a)
                       rp.deliver(std::move(*a));
                     else
                       rp.deliver(a.error());
                   });
      return rp;
    },
    [=](alarm_atom, std::vector<alarm_event>& events)
      -> caf::result<std::vector<alarm_accepted>> {
      if (events.empty())
        return std::vector<alarm_accepted>{};
      auto all = std::make_shared<collector>();
      all->rp = self->make_response_promise<std::vector<alarm_accepted>>();
      all->out.resize(events.size());
      all->left = events.size();
      for (std::size_t i = 0; i < events.size(); ++i)
        submit_event(self, std::move(events[i]),
                     [all, i](caf::expected<alarm_accepted> a) {
                       all->take(i, std::move(a));
                     });
      return all->rp;
    },
    [=](alarm_atom, caf::delete_atom, const std::string& key)
      -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      queued_input q;
      q.in.kind = alarms::batch_kind::forget;
      q.on_forget = [rp](caf::expected<bool> found) mutable {
        if (found)
          rp.deliver(*found);
        else
          rp.deliver(found.error());
      };
      feed(self, key, std::move(q));
      return rp;
    },
    [=](done_atom, request_record& rec) {
      if (!self->state.started)
        self->state.early_done.push_back(std::move(rec));
      else
        on_step_done(self, rec);
    },
    [=](settings_atom, alarm_engine_settings& s) {
      self->state.settings = std::move(s);
    },
    [=](start_atom) { start(self); },
    [=](tick_atom, int64_t at) { on_tick(self, at); },
    [=](sync_atom) { start_sync(self); },
    [=](sync_atom, std::vector<alarm_sighting>& seen) {
      for (auto& s : seen)
        on_sighting(self, s);
    },
    [=](sync_atom, std::vector<alarm_sync_cursor>& cursors) {
      on_sync_end(self, cursors);
    },
    [=](sweep_atom) { sweep(self); },
    [=](retry_atom, const std::string& key) { pump(self, key); },
  };
}

} // namespace

alarm_engine_actor spawn_alarm_engine(caf::actor_system& sys,
                                      alarm_engine_deps deps,
                                      alarm_engine_settings settings) {
  return sys.spawn(alarm_engine, std::move(deps), std::move(settings));
}

} // namespace usms
