#pragma once

/// Where USMS stands as this gateway instance sees it: what
/// `GET /api/v1/usms` shows, the banner on every page, the metrics, and what
/// the SOAP dispatcher tells the intake on every change.

#include <cstdint>
#include <string>

namespace usms {

struct usms_status {
  /// up, down, probing, ramping, paused or auth_failed.
  std::string state = "up";
  /// True in `up` and `ramping`: requests may be sent.
  bool available = true;
  /// When the state began (unix ms); an outage keeps its start while it
  /// probes.
  int64_t since = 0;
  /// The last failure's reason; empty when none was seen.
  std::string last_error;
  /// When the next probe is due (unix ms); 0 when none is planned.
  int64_t next_probe_at = 0;
  /// When a Retry-After pause ends (unix ms); 0 when not paused by USMS.
  int64_t paused_until = 0;
  /// True while down without a query operation: the intake then lends the
  /// oldest held request as the probe.
  bool wants_probe_request = false;
  /// Calls allowed in flight now (the ramp included).
  int32_t in_flight_limit = 0;
};

} // namespace usms
