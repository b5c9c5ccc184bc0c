#pragma once

/// The alarm API's JSON: `POST /api/v1/alarms` bodies read into an
/// `alarm_event`, the `GET /api/v1/alarms` parameters, and the views of an
/// alarm, of a page of alarms and of an accepted event. CAF-free.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api_error.hpp"
#include "api/request_validation.hpp"
#include "messages/alarm.hpp"
#include "messages/alarm_store.hpp"

namespace usms::api {

class json_writer;

using parsed_alarm_event = std::variant<alarm_event, api_error>;

/// `POST /api/v1/alarms`: `{"key", "state": "firing"|"cleared", "type":
/// "incident"|"problem" (default incident), "fields", "source",
/// "reply_to"}`. Unknown keys are refused. `fields` are read as the ticket
/// API reads them (snake_case names, the same checks; on API v1 only
/// CreateIncident's fields, and only incidents); a firing needs
/// `fields.summary` (the create of a generation sends it),
/// `fields.external_reference` is refused (the gateway sets it). A clear's
/// fields are checked and unused. `id` and `at` are left for the caller.
parsed_alarm_event parse_alarm_event(std::string_view body,
                                     const intake_rules& rules);

/// `GET /api/v1/alarms?state=…&limit=…&offset=…`.
struct alarm_list_query {
  std::optional<alarm_state> state; ///< none: every state
  int32_t limit = 100;              ///< 1..max_alarm_page
  int64_t offset = 0;
};

/// Most alarms one page holds; a larger `limit` is cut to it.
inline constexpr int32_t max_alarm_page = 1000;

std::variant<alarm_list_query, api_error>
parse_alarm_list_query(const query_params& params);

/// An alarm as `GET /api/v1/alarms/{key}` shows it: `{"key", "state",
/// "type", "ticket_id" (null until the create succeeded), "generation",
/// "occurrences", "first_at", "last_at", "resolved_at" (null while open)}`,
/// times in ISO 8601 UTC with milliseconds.
void write_alarm(json_writer& w, const alarm_record& r);
std::string to_json(const alarm_record& r);

/// A page of alarms: `{"total", "alarms": [...]}`.
std::string alarm_list_json(int64_t total,
                            const std::vector<alarm_record>& alarms);

/// The 202 answer to an alarm event: `{"key", "event_id", "request_id"
/// (null when the event caused no request), "alarm" (null when there is no
/// alarm, as after a clear of an unknown key)}`.
std::string alarm_accepted_json(std::string_view key, std::string_view event_id,
                                const std::optional<std::string>& request_id,
                                const alarm_record* alarm);

/// The 200 answer to an Alertmanager notification, once every alert of it
/// is journaled: `{"receiver", "events": [{"key", "event_id",
/// "request_id"}], "truncated_alerts"}`.
std::string alertmanager_accepted_json(
  std::string_view receiver, const std::vector<alarm_accepted>& events,
  int64_t truncated_alerts);

} // namespace usms::api
