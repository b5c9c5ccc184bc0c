#pragma once

/// The outcome of one SOAP call, flattened for the retry logic: a SOAP
/// answer, a SOAP fault, or why no usable answer came.

#include <cstdint>
#include <string>
#include <vector>

#include "contract/ticket.hpp"

namespace usms {

/// How one SOAP call ended.
enum class call_result_kind : uint8_t {
  answer,    ///< a SOAP answer
  fault,     ///< a SOAP fault
  transport, ///< no usable HTTP answer (connect, timeout, reset)
  malformed, ///< an HTTP answer that is not the expected SOAP
};

struct call_result {
  call_result_kind kind = call_result_kind::transport;
  /// The contract's operation the call was made with (`CreateTicket`);
  /// empty when the contract offers none.
  std::string operation;
  // answer
  std::string ticket_id;
  std::vector<ticket_fields> tickets;
  int32_t total_count = 0;
  // fault
  bool server_fault = false;
  std::string error_code;
  std::string error_message;
  // transport / malformed
  bool request_sent = false;
  std::string error; ///< for people
  // HTTP
  uint32_t http_status = 0;
  int64_t retry_after_ms = -1; ///< from Retry-After; -1 when absent
  int64_t latency_us = 0;
};

} // namespace usms
