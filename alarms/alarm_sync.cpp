#include "alarms/alarm_sync.hpp"

#include <algorithm>

#include "common/iso_time.hpp"

namespace usms::alarms {

namespace {

std::string field(const ticket_fields& t, const char* name) {
  auto i = t.find(name);
  return i == t.end() ? std::string{} : i->second;
}

bool seen_at_cursor(const alarm_sync_cursor& c, const std::string& id) {
  return std::find(c.seen.begin(), c.seen.end(), id) != c.seen.end();
}

} // namespace

sync_page read_sync_page(const alarm_sync_cursor& before,
                         const std::vector<ticket_fields>& tickets,
                         int32_t total_count, int32_t max_results) {
  sync_page page;
  page.cursor = before;
  auto& c = page.cursor;
  for (auto& t : tickets) {
    auto id = field(t, "TicketId");
    auto updated = parse_iso8601_ms(field(t, "UpdatedAt"));
    if (id.empty() || !updated || *updated < c.updated_since)
      continue;
    if (*updated == c.updated_since && seen_at_cursor(c, id))
      continue;
    if (*updated > c.updated_since) {
      c.updated_since = *updated;
      c.seen.clear();
    }
    c.seen.push_back(id);
    page.sightings.push_back({id, field(t, "Status"), *updated});
  }
  auto size = static_cast<int32_t>(tickets.size());
  page.more = size >= max_results && total_count > size;
  if (page.more && page.sightings.empty()) {
    // Every ticket of a full page shares the cursor's millisecond and was
    // seen: asking again would bring the same page.
    c.updated_since += 1;
    c.seen.clear();
    page.stuck = true;
  }
  return page;
}

} // namespace usms::alarms
