#pragma once

/// Alertmanager's webhook payload (version 4), as Alertmanager sends it to
/// `POST /api/v1/alertmanager`, read into alarm events. CAF-free.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api_error.hpp"
#include "config/settings.hpp"
#include "messages/alarm.hpp"

namespace usms::api {

/// The `source` of every event that comes from Alertmanager.
inline constexpr std::string_view alertmanager_source = "alertmanager";

/// One notification read into the events it makes, in payload order.
struct alertmanager_notification {
  std::vector<alarm_event> events;
  std::string receiver;
  std::string group_key;
  /// Alerts Alertmanager left out of the payload (its `max_alerts`).
  int64_t truncated_alerts = 0;
};

using parsed_alertmanager = std::variant<alertmanager_notification, api_error>;

/// Reads a payload `{"version": "4", "groupKey", "status", "receiver",
/// "groupLabels", "commonLabels", "commonAnnotations", "externalURL",
/// "alerts": [{"status", "labels", "annotations", "startsAt", "endsAt",
/// "generatorURL", "fingerprint"}], "truncatedAlerts"}`. Keys it does not
/// use are accepted, since Alertmanager adds some over time; the ones it
/// uses must have their JSON types, and labels and annotations must be
/// strings.
///
/// With `alertmanager.key = "fingerprint"` each alert is one event, key
/// `am:<fingerprint>`, firing or cleared by the alert's status, its ticket
/// fields rendered from the alert's labels and annotations. With `"group"`
/// the payload is one event, key `am:<groupKey>`, firing while the payload's
/// status is firing and cleared when it is resolved, its fields rendered
/// from the common labels and annotations and its priority the most urgent
/// of its alerts'. Keys that would not be valid are hashed
/// (alarms/alarm_key.hpp).
///
/// Fields: Summary from `alertmanager.summary`, or when that renders blank
/// the `alertname` label, or else the key; Description and
/// ConfigurationItem from their templates, left out when blank; Priority
/// from `labels.severity` through `alertmanager.priority`, else
/// `alertmanager.default_priority`. Characters XML does not allow (and
/// bytes that are not UTF-8) become U+FFFD instead of refusing the alert:
/// a refused payload would lose its other alerts. Every event is an
/// incident with source `alertmanager`, at `now`.
parsed_alertmanager
parse_alertmanager(std::string_view body,
                   const config::alertmanager_settings& settings, int64_t now);

} // namespace usms::api
