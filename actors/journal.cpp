#include "actors/journal.hpp"

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

// The flush message is private: it goes only from the journal to itself.
using journal_impl = journal_actor::extend<caf::reacts_to<flush_atom>>;

struct journal_state {
  /// Answers to send once the open transaction is committed.
  std::vector<std::function<void()>> on_commit;
  std::vector<std::function<void(const caf::error&)>> on_failure;
  bool flush_scheduled = false;
  static inline const char* name = "journal";
};

caf::error storage_error(const std::exception& e) {
  return caf::make_error(gateway_errc::storage, std::string{e.what()});
}

journal_impl::behavior_type
journal(journal_impl::stateful_pointer<journal_state> self,
        std::shared_ptr<storage::journal_store> shared_db) {
  // Group commit: every write joins the open transaction; a flush message
  // sent to ourselves queues behind the writes already in the mailbox, so
  // one COMMIT (one fsync) makes all of them durable before anyone is told.
  auto db = shared_db;
  auto write = [self, db](auto&& apply, auto promise) mutable {
    auto& st = self->state;
    try {
      db->begin();
      auto value = apply(*db);
      st.on_commit.emplace_back(
        [promise, value = std::move(value)]() mutable {
          promise.deliver(std::move(value));
        });
      st.on_failure.emplace_back(
        [promise](const caf::error& err) mutable { promise.deliver(err); });
    } catch (const std::exception& e) {
      spdlog::error("journal write failed: {}", e.what());
      promise.deliver(storage_error(e));
      return;
    }
    if (!st.flush_scheduled) {
      st.flush_scheduled = true;
      self->send(self, flush_atom_v);
    }
  };
  return {
    [=](append_atom, ticket_request& req) mutable
    -> caf::result<std::string, bool, int64_t> {
      auto rp = self->make_response_promise<std::string, bool, int64_t>();
      auto st_rp = rp;
      auto& st = self->state;
      try {
        db->begin();
        auto res = db->append(req);
        st.on_commit.emplace_back([st_rp, res]() mutable {
          st_rp.deliver(res.id, res.existed, res.seq);
        });
        st.on_failure.emplace_back(
          [st_rp](const caf::error& err) mutable { st_rp.deliver(err); });
      } catch (const std::exception& e) {
        spdlog::error("journal append failed: {}", e.what());
        // The promise holds the request now: a returned error would go
        // nowhere.
        st_rp.deliver(storage_error(e));
        return rp;
      }
      if (!st.flush_scheduled) {
        st.flush_scheduled = true;
        self->send(self, flush_atom_v);
      }
      return rp;
    },
    [=](progress_atom, const std::string& id,
        const request_progress& p) mutable -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      write(
        [&](auto& d) {
          d.update_progress(id, p);
          return true;
        },
        rp);
      return rp;
    },
    [=](finish_atom, const ticket_request& req, const request_outcome& out,
        const std::string& reply_state) mutable -> caf::result<status_row> {
      auto rp = self->make_response_promise<status_row>();
      write([&](auto& d) { return d.finish(req, out, reply_state); }, rp);
      return rp;
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
        rp);
      return rp;
    },
    [=](requeue_atom, const status_filter& f) mutable
    -> caf::result<std::vector<index_row>> {
      auto rp = self->make_response_promise<std::vector<index_row>>();
      write([&](auto& d) { return d.requeue_failed(f); }, rp);
      return rp;
    },
    [=](caf::get_atom, const std::string& id) mutable
    -> caf::result<std::vector<request_record>> {
      try {
        std::vector<request_record> out;
        if (auto rec = db->load(id))
          out.push_back(std::move(*rec));
        return out;
      } catch (const std::exception& e) {
        return storage_error(e);
      }
    },
    [=](confirmed_atom,
        const std::string& ref) mutable -> caf::result<int64_t> {
      try {
        return db->confirmed_creates(ref);
      } catch (const std::exception& e) {
        return storage_error(e);
      }
    },
    [=](pending_replies_atom) mutable
    -> caf::result<std::vector<request_record>> {
      try {
        return db->pending_replies();
      } catch (const std::exception& e) {
        return storage_error(e);
      }
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
        rp);
      return rp;
    },
    [=](flush_atom) mutable {
      auto& st = self->state;
      st.flush_scheduled = false;
      auto on_commit = std::move(st.on_commit);
      auto on_failure = std::move(st.on_failure);
      st.on_commit.clear();
      st.on_failure.clear();
      try {
        db->commit();
      } catch (const std::exception& e) {
        spdlog::error("journal commit of {} writes failed: {}",
                      on_commit.size(), e.what());
        try {
          db->rollback();
        } catch (...) {
          // the transaction is gone either way
        }
        auto err = storage_error(e);
        for (auto& fail : on_failure)
          fail(err);
        return;
      }
      for (auto& deliver : on_commit)
        deliver();
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
