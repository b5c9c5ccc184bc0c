#pragma once

/// The sync from USMS read one query page at a time. The gateway asks
/// USMS for the tickets updated since its cursor (`UpdatedSince`, answers
/// in ascending UpdatedAt, TicketId order, at most `MaxResults` a page);
/// this says which tickets of a page are new, where the cursor goes, and
/// whether another page is needed. Pure; CAF-free.
///
/// The cursor is the last UpdatedAt seen and the tickets seen at exactly
/// that time: the next page asks from that time again (the filter is
/// "UpdatedAt >= since") and skips them, so no ticket is missed when
/// several share one millisecond and none is read twice. A full page of
/// tickets all seen already (more than `MaxResults` tickets updated in one
/// millisecond) would ask for the same page forever: the cursor then moves
/// one millisecond on.

#include <cstdint>
#include <string>
#include <vector>

#include "contract/ticket.hpp"
#include "messages/alarm_store.hpp"

namespace usms::alarms {

/// One ticket of a page that the cursor had not seen.
struct sync_sighting {
  std::string ticket_id;
  std::string status;
  int64_t updated_at = 0; ///< unix ms
};

/// What one page taught.
struct sync_page {
  std::vector<sync_sighting> sightings; ///< new tickets, in page order
  alarm_sync_cursor cursor;             ///< after the page
  bool more = false;  ///< USMS has more: ask again from `cursor`
  bool stuck = false; ///< the cursor had to skip a millisecond
};

/// Reads one page (`tickets` as QueryTickets answered them, with
/// `total_count`) asked with `max_results` from `before`.
sync_page read_sync_page(const alarm_sync_cursor& before,
                         const std::vector<ticket_fields>& tickets,
                         int32_t total_count, int32_t max_results);

} // namespace usms::alarms
