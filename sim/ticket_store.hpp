#pragma once

/// The simulator's tickets, in memory. One shard (mutex + map) per ticket
/// type, short critical sections: creates of different types never contend
/// and a query scans only its own type.

#include <array>
#include <deque>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "contract/result.hpp"
#include "contract/ticket.hpp"
#include "sim/blob_arena.hpp"

namespace usms::sim {

/// One page of a query.
struct query_page {
  int total_count = 0;
  std::vector<ticket_fields> tickets;
};

class ticket_store {
public:
  ticket_store();

  /// Stores a new ticket from validated `fields`; sets `TicketId`,
  /// `CreatedAt`, `UpdatedAt` and the initial `Status` (New, or Draft for
  /// changes) when none is given. Returns the new id (`INC0000001`).
  std::string create(ticket_type type, const ticket_fields& fields);

  /// Applies validated `changes` and appends `work_note` (when not empty).
  /// Fails with `NOT_FOUND` (unknown id, or an id of another type) or
  /// `TRANSITION` (leaving Closed, Cancelled or Completed). Returns the full
  /// ticket after the update.
  result<ticket_fields> update(ticket_type type, const std::string& id,
                               const ticket_fields& changes,
                               const std::string& work_note);

  /// Tickets of `type` matching every `filter` element (exact text, except
  /// `UpdatedSince`: UpdatedAt >= it, given as `updated_since_ms`), in
  /// ascending (UpdatedAt, TicketId) order; at most `max_results` of them.
  query_page query(ticket_type type, const ticket_fields& filter,
                   std::optional<int64_t> updated_since_ms,
                   int max_results) const;

  /// One ticket, or nullopt when there is none with that id.
  std::optional<ticket_fields> get(const std::string& id) const;

  /// The type a ticket id names (`INC…` incident), or nullopt when it is
  /// not an id this store gives.
  static std::optional<ticket_type> type_of(const std::string& id);

  /// The work notes of a ticket, oldest first (empty when unknown).
  std::vector<std::string> work_notes(const std::string& id) const;

  /// Number of tickets stored.
  std::size_t size() const;

  /// Successful creates per `ExternalReference` (tickets without one are
  /// not counted).
  std::map<std::string, uint64_t> creates_by_external_reference() const;

  /// Forgets every ticket and the create counts. Ids keep counting up, so
  /// an id never names two different tickets in one simulator's life.
  void clear();

  /// Whether a status is terminal (Closed, Cancelled, Completed).
  static bool terminal_status(const std::string& status);

private:
  // Fields packed by pack_fields (with Status); TicketId, CreatedAt and
  // UpdatedAt are derived on the way out.
  struct record {
    std::string_view blob;
    int64_t created_ms = 0;
    int64_t updated_ms = 0;
  };

  struct shard {
    mutable std::mutex mtx;
    std::deque<record> tickets;   // tickets[seq - first_seq]
    uint64_t first_seq = 1;       // the sequence number of tickets[0]
    uint64_t next_seq = 1;
    blob_arena blobs;
    std::unordered_map<uint64_t, std::vector<std::string>> work_notes;
  };

  /// The full ticket of a record.
  static ticket_fields unpack(ticket_type type, uint64_t seq,
                              const record& rec);
  /// The record of `seq` in `s`, or nullptr.
  static record* find(shard& s, uint64_t seq);
  static const record* find(const shard& s, uint64_t seq);

  shard& shard_for(ticket_type type) {
    return shards_[static_cast<std::size_t>(type)];
  }
  const shard& shard_for(ticket_type type) const {
    return shards_[static_cast<std::size_t>(type)];
  }

  /// Splits `INC0000042` into its type and sequence number.
  static std::optional<std::pair<ticket_type, uint64_t>>
  parse_id(const std::string& id);

  std::array<shard, 3> shards_;
  std::atomic<std::size_t> count_{0};
  mutable std::mutex refs_mtx_;
  std::unordered_map<std::string, uint64_t> creates_by_ref_;
};

} // namespace usms::sim
