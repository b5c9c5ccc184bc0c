#pragma once

/// What the request supervisor asks of the SOAP dispatcher and what comes
/// back: the codec's `soap::call`, and a flattened, inspectable result.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"
#include "transport/call_result.hpp"
#include "contract/soap_codec.hpp"

namespace usms::soap {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call& x) {
  return f(caf::meta::type_name("soap_call"), x.op, x.api_version, x.type,
           x.ticket_id, x.fields, x.work_note, x.filter, x.max_results);
}

} // namespace usms::soap

namespace usms {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_result& x) {
  return f(caf::meta::type_name("call_result"), x.kind, x.ticket_id,
           x.tickets, x.total_count, x.server_fault, x.error_code,
           x.error_message, x.request_sent, x.error, x.http_status,
           x.retry_after_ms, x.latency_us);
}

} // namespace usms
