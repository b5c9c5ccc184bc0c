#pragma once

/// The intake's small view of every unfinished request: enough to decide
/// which one runs next, never the request itself (that lives in the
/// journal until the request is activated). A few dozen bytes a request, so
/// a backlog of a million costs tens of megabytes, not gigabytes.
///
/// Drain order: writes (create, update) before queries, each oldest first
/// (by journal sequence number); requests that share a serial key (a
/// create's ExternalReference, an update's ticket) run one at a time in the
/// order they were admitted. Pure and CAF-free; times are milliseconds
/// passed in.

#include <array>
#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "messages/request.hpp"

namespace usms {

/// What the index needs to know of one unfinished request.
struct index_entry {
  std::string id;
  int64_t seq = 0;       ///< journal order: smaller is older
  bool query = false;    ///< queries run after every ready write
  std::string serial_key; ///< empty: runs independently
  int64_t ready_at = 0;  ///< not before this (unix ms); 0 = now
  /// When the request was accepted or last retried by an operator: where
  /// its give-up clock starts (unix ms).
  int64_t clock_start = 0;
};

/// The entry of a request just journaled at `seq`.
index_entry entry_of(const ticket_request& req, int64_t seq,
                     int64_t clock_start, int64_t ready_at);

/// The entry of a journal row (a restart's backlog, or requests retried).
index_entry entry_of(const index_row& row);

/// A request picked to run.
struct picked {
  std::string id;
  int64_t seq = 0;
};

class request_index {
public:
  /// Adds an unfinished request (new, resumed or retried). False when the
  /// id is already in the index.
  bool add(const index_entry& e);

  bool contains(const std::string& id) const;
  /// The journal sequence number of `id`, or 0.
  int64_t seq_of(const std::string& id) const;
  /// No request with `serial_key` is in the index: one added now with that
  /// key waits for nothing (an empty key never waits).
  bool key_free(const std::string& serial_key) const;

  /// The next request to activate in drain order, marked active; nullopt
  /// when none is ready at `now`. With `writes_only`, queries are left.
  std::optional<picked> next_ready(int64_t now, bool writes_only = false);

  /// Marks `id` active out of order (to cancel it or to fail it after its
  /// give-up time); false when unknown or active already.
  bool take(const std::string& id);

  /// An active request went back to waiting: due again at `ready_at` (0 =
  /// as soon as it may run). It keeps its place for its serial key.
  void passivated(const std::string& id, int64_t ready_at);

  /// A request finished (or was cancelled): removed; the next request with
  /// its serial key may run.
  void finished(const std::string& id);

  /// Inactive requests whose give-up time (`clock_start + give_up_ms`) has
  /// come, oldest first, at most `max`; not marked active.
  std::vector<std::string> expired(int64_t now, int64_t give_up_ms,
                                   std::size_t max);

  /// When the next delayed request becomes ready (unix ms), if any.
  std::optional<int64_t> next_ready_at() const;
  /// The smallest give-up clock start of any request (unix ms), if any.
  std::optional<int64_t> oldest_clock_start();

  std::size_t size() const { return by_seq_.size(); }
  std::size_t active() const { return active_; }
  std::size_t inactive() const { return by_seq_.size() - active_; }
  /// Inactive requests waiting for a time (a retry's backoff).
  std::size_t delayed() const {
    return counts_[static_cast<int>(where::delayed)];
  }

  /// Forgets everything (shutdown).
  void clear();

private:
  enum class where : uint8_t { ready, delayed, blocked, active };

  struct entry {
    std::string id;
    int64_t ready_at;
    int64_t clock_start;
    uint64_t key_hash;
    uint32_t generation; ///< invalidates stale heap items
    bool query;
    bool has_key;
    where at;
  };

  struct key_chain {
    int64_t head = 0;          ///< the one that may run
    std::vector<int64_t> next; ///< waiting behind it, in admission order
  };

  /// Ready items: writes before queries, then by seq (smallest first).
  struct ready_item {
    uint64_t order;
    int64_t seq;
    uint32_t generation;
    bool operator>(const ready_item& o) const { return order > o.order; }
  };
  struct timed_item {
    int64_t at;
    int64_t seq;
    uint32_t generation;
    bool operator>(const timed_item& o) const {
      return at != o.at ? at > o.at : seq > o.seq;
    }
  };
  template <class T>
  using min_heap = std::priority_queue<T, std::vector<T>, std::greater<T>>;

  void set_at(entry& e, where w);
  void make_ready(int64_t seq, entry& e);
  void make_waiting(int64_t seq, entry& e, int64_t now);
  void promote_due(int64_t now);
  void release_key(int64_t seq, const entry& e);

  /// Node-based, so an entry's id stays where it is: by_id_'s keys view it.
  std::unordered_map<int64_t, entry> by_seq_;
  std::unordered_map<std::string_view, int64_t> by_id_;
  std::unordered_map<uint64_t, key_chain> keys_;
  min_heap<ready_item> ready_;
  min_heap<timed_item> delayed_;
  min_heap<timed_item> give_up_;
  std::size_t active_ = 0;
  std::array<std::size_t, 4> counts_{};
  int64_t last_now_ = 0;
};

} // namespace usms
