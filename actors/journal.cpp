#include "actors/journal.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <spdlog/spdlog.h>

#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "messages/caf/errors.hpp"
#include "metrics/gateway_metrics.hpp"
#include "persistence/backend.hpp"

namespace usms {

namespace {

// The flush and the probe are private: they go only from the journal to
// itself.
using journal_impl
  = journal_actor::extend<caf::reacts_to<flush_atom>, caf::reacts_to<probe_atom>>;

/// While the database cannot be written, how often the journal tries a
/// write of its own to see whether it can again (so that readiness comes
/// back without waiting for traffic that a failing readiness keeps away).
constexpr auto probe_interval = std::chrono::seconds(1);

struct journal_state {
  /// Answers to send once the open transaction is committed.
  std::vector<std::function<void()>> on_commit;
  std::vector<std::function<void(const caf::error&)>> on_failure;
  bool flush_scheduled = false;
  /// Why the database cannot be written, while it cannot; "" when it can.
  std::string failing;
  bool probe_scheduled = false;
  static inline const char* name = "journal";
};

using self_ptr = journal_impl::stateful_pointer<journal_state>;

/// A failed read: the database could not answer (500).
caf::error read_error(const std::exception& e) {
  return caf::make_error(gateway_errc::storage, std::string{e.what()});
}

/// A failed write: 503 when the database cannot be written now (the same
/// write may work later), else like a failed read.
caf::error write_error(const std::exception& e) {
  auto* se = dynamic_cast<const storage::storage_error*>(&e);
  if (se && se->fault() == storage::storage_fault::unwritable)
    return caf::make_error(gateway_errc::storage_unavailable,
                           std::string{e.what()});
  return read_error(e);
}

/// Logs a failed write or commit: as an error while the database was
/// taking writes, quietly once it is known not to (every write fails then,
/// and each supervisor tries again every second).
void log_write_failure(self_ptr self, const std::string& what) {
  if (self->state.failing.empty())
    spdlog::error("journal {}", what);
  else
    spdlog::debug("journal {}", what);
}

void schedule_probe(self_ptr self) {
  auto& st = self->state;
  if (!st.probe_scheduled) {
    st.probe_scheduled = true;
    self->delayed_send(self, probe_interval, probe_atom_v);
  }
}

/// The database refused a write: readiness says so, and a probe looks for
/// the moment it takes writes again.
void writes_failing(self_ptr self, const std::string& why) {
  auto& st = self->state;
  metrics().database_write_failed(why);
  if (st.failing.empty())
    spdlog::error("the database cannot be written: {}; requests are refused "
                  "with 503 until it can",
                  why);
  st.failing = why;
  schedule_probe(self);
}

void writes_working(self_ptr self) {
  auto& st = self->state;
  if (st.failing.empty())
    return;
  spdlog::info("the database can be written again");
  st.failing.clear();
  metrics().database_ok();
}

/// Answers every write of the open group with `err` and drops the group:
/// none of them is durable.
void fail_group(self_ptr self, const caf::error& err) {
  auto& st = self->state;
  auto on_failure = std::move(st.on_failure);
  st.on_commit.clear();
  st.on_failure.clear();
  for (auto& fail : on_failure)
    fail(err);
}

journal_impl::behavior_type journal(self_ptr self,
                                    std::shared_ptr<storage::journal_store> db) {
  // Group commit: every write joins the open transaction; a flush message
  // sent to ourselves queues behind the writes already in the mailbox, so
  // one COMMIT (one fsync) makes all of them durable before anyone is told.
  // Each write is atomic on its own (journal_store::begin_write): one that
  // fails half-way is taken back whole, and the group's other writes go on.
  auto drop_group = [self, db](const caf::error& err) {
    try {
      db->rollback();
    } catch (const std::exception& e) {
      spdlog::warn("journal rollback failed: {}", e.what());
    }
    fail_group(self, err);
  };
  auto write = [self, db, drop_group](auto&& apply, auto deliver,
                                      auto deliver_error) {
    auto& st = self->state;
    try {
      db->begin_write();
      auto value = apply(*db);
      db->end_write();
      st.on_commit.emplace_back(
        [deliver, value = std::move(value)]() mutable { deliver(value); });
      st.on_failure.emplace_back(deliver_error);
    } catch (const std::exception& e) {
      log_write_failure(self, std::string{"write failed: "} + e.what());
      auto err = write_error(e);
      bool group_kept = false;
      try {
        group_kept = db->undo_write();
      } catch (const std::exception& undo) {
        spdlog::error("journal write could not be undone: {}", undo.what());
      }
      // The database dropped the whole group (a full disk can make it do
      // that): the group's earlier writes are not durable either. A group
      // this write opened alone is closed at once: an empty transaction
      // would hold the write lock until the next write.
      if (!group_kept || st.on_failure.empty())
        drop_group(err);
      if (err == gateway_errc::storage_unavailable)
        writes_failing(self, e.what());
      deliver_error(err);
      return;
    }
    if (!st.flush_scheduled) {
      st.flush_scheduled = true;
      self->send(self, flush_atom_v);
    }
  };
  // A read on the write connection while a group is open: should it fail
  // so badly that the database drops the group, the group's writes fail.
  auto read = [self, db, drop_group](auto&& fn) -> decltype(fn()) {
    try {
      return fn();
    } catch (const std::exception& e) {
      auto err = read_error(e);
      if (!self->state.on_failure.empty() && !db->in_transaction())
        drop_group(write_error(e));
      return err;
    }
  };
  auto promise_sink = [](auto rp) {
    return [rp](const caf::error& err) mutable { rp.deliver(err); };
  };
  auto append = [=](const ticket_request& req, bool sending) {
    auto rp = self->make_response_promise<std::string, bool, int64_t>();
    write(
      [&](auto& d) { return sending ? d.append_sending(req) : d.append(req); },
      [rp](const storage::journal_store::append_result& res) mutable {
        rp.deliver(res.id, res.existed, res.seq);
      },
      promise_sink(rp));
    return rp;
  };
  return {
    [=](append_atom, ticket_request& req) mutable
    -> caf::result<std::string, bool, int64_t> { return append(req, false); },
    [=](append_atom, progress_atom, ticket_request& req) mutable
    -> caf::result<std::string, bool, int64_t> { return append(req, true); },
    [=](progress_atom, const std::string& id,
        const request_progress& p) mutable -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      write([&](auto& d) { return d.update_progress(id, p); },
            [rp](bool owned) mutable { rp.deliver(owned); },
            promise_sink(rp));
      return rp;
    },
    [=](finish_atom, const ticket_request& req, const request_outcome& out,
        const std::string& reply_state) mutable -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      write(
        [&](auto& d) { return d.finish(req, out, reply_state).has_value(); },
        [rp](bool owned) mutable { rp.deliver(owned); }, promise_sink(rp));
      return rp;
    },
    [=](owner_atom, const std::string& instance_id, int64_t token) mutable {
      db->set_owner(instance_id, token);
    },
    [=](requeue_atom, const std::string& id) mutable
    -> caf::result<std::vector<index_row>> {
      auto rp = self->make_response_promise<std::vector<index_row>>();
      write(
        [&](auto& d) {
          std::vector<index_row> out;
          if (auto row = d.requeue(id))
            out.push_back(std::move(*row));
          return out;
        },
        [rp](const std::vector<index_row>& rows) mutable { rp.deliver(rows); },
        promise_sink(rp));
      return rp;
    },
    [=](requeue_atom, const status_filter& f) mutable
    -> caf::result<std::vector<index_row>> {
      auto rp = self->make_response_promise<std::vector<index_row>>();
      write([&](auto& d) { return d.requeue_failed(f); },
            [rp](const std::vector<index_row>& rows) mutable {
              rp.deliver(rows);
            },
            promise_sink(rp));
      return rp;
    },
    [=](caf::get_atom, const std::string& id) mutable
    -> caf::result<std::vector<request_record>> {
      return read([&]() -> caf::result<std::vector<request_record>> {
        std::vector<request_record> out;
        if (auto rec = db->load(id))
          out.push_back(std::move(*rec));
        return out;
      });
    },
    [=](confirmed_atom,
        const std::string& ref) mutable -> caf::result<int64_t> {
      return read([&]() -> caf::result<int64_t> {
        return db->confirmed_creates(ref);
      });
    },
    [=](pending_replies_atom) mutable
    -> caf::result<std::vector<request_record>> {
      return read([&]() -> caf::result<std::vector<request_record>> {
        return db->pending_replies();
      });
    },
    [=](reply_state_atom,
        const std::vector<reply_state_update>& updates) mutable
    -> caf::result<bool> {
      // A write like the others: it joins the group commit under way.
      auto rp = self->make_response_promise<bool>();
      write(
        [&](auto& d) {
          d.save_reply_states(updates);
          return true;
        },
        [rp](bool ok) mutable { rp.deliver(ok); }, promise_sink(rp));
      return rp;
    },
    [=](alarm_atom, const alarm_commit& c) mutable
    -> caf::result<alarm_commit_result> {
      auto rp = self->make_response_promise<alarm_commit_result>();
      write([&](auto& d) { return d.write_alarm(c); },
            [rp](const alarm_commit_result& r) mutable { rp.deliver(r); },
            promise_sink(rp));
      return rp;
    },
    [=](alarm_atom, const alarm_sync_cursor& cursor) mutable
    -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      write(
        [&](auto& d) {
          d.save_sync_cursor(cursor);
          return true;
        },
        [rp](bool ok) mutable { rp.deliver(ok); }, promise_sink(rp));
      return rp;
    },
    [=](alarm_atom, sweep_atom, int64_t before) mutable
    -> caf::result<int64_t> {
      auto rp = self->make_response_promise<int64_t>();
      write([&](auto& d) { return d.prune_alarm_events(before); },
            [rp](int64_t n) mutable { rp.deliver(n); }, promise_sink(rp));
      return rp;
    },
    [=](flush_atom) mutable {
      auto& st = self->state;
      st.flush_scheduled = false;
      if (st.on_commit.empty())
        return; // every write of the group failed and was answered
      auto on_commit = std::move(st.on_commit);
      auto writes = on_commit.size();
      st.on_commit.clear();
      try {
        db->commit();
      } catch (const std::exception& e) {
        // Nothing of the group is durable: every write hears so. The
        // connection stays usable: the next group begins afresh.
        log_write_failure(self, "commit of " + std::to_string(writes)
                                  + " writes failed: " + e.what());
        auto err = write_error(e);
        drop_group(err);
        if (err == gateway_errc::storage_unavailable)
          writes_failing(self, e.what());
        return;
      }
      st.on_failure.clear();
      writes_working(self);
      for (auto& deliver : on_commit)
        deliver();
    },
    [=](probe_atom) mutable {
      auto& st = self->state;
      st.probe_scheduled = false;
      if (st.failing.empty())
        return;
      if (st.flush_scheduled) {
        // A group is under way: its commit tells.
        schedule_probe(self);
        return;
      }
      try {
        db->check_writable();
      } catch (const std::exception& e) {
        spdlog::debug("journal: the database still cannot be written: {}",
                      e.what());
        schedule_probe(self);
        return;
      }
      writes_working(self);
    },
  };
}

} // namespace

journal_actor spawn_journal(caf::actor_system& sys, const std::string& db) {
  std::shared_ptr<storage::journal_store> store
    = storage::open_backend(db)->open_journal();
  metrics().set_status_entries(store->status_count());
  return sys.spawn<caf::detached>(journal, std::move(store));
}

} // namespace usms
