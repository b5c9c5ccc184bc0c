#pragma once

#include <cstdint>
#include <string>

namespace usms {

/// One row of the status table (the original connector's Ticket Status
/// Overview): a finished request's outcome. The column order here is the
/// order of the status API's row fields and of the offload CSV columns.
struct status_row {
  int64_t row_id = 0;
  std::string request_id;
  int64_t accepted_at = 0; ///< unix ms
  int64_t finished_at = 0; ///< unix ms
  std::string action;      ///< create / update / query
  std::string type;        ///< incident / change / problem
  std::string ticket_id;
  std::string status; ///< Succeeded / Failed
  std::string reason;
  std::string source;
  std::string correlation_id;
  int32_t attempts = 0;
  std::string cause = "command"; ///< see request_cause
  std::string alarm_key;         ///< empty for commands
};

} // namespace usms
