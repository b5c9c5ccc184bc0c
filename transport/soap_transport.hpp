#pragma once

/// One SOAP call over HTTP: the codec builds the envelope, the HTTP client
/// carries it, the codec reads the answer, and the outcome comes back as a
/// `call_result`. The seam between the dispatcher actor and the wire.

#include <functional>
#include <memory>
#include <string>

#include "contract/soap_codec.hpp"
#include "transport/call_result.hpp"

namespace usms::http {
class client;
} // namespace usms::http

namespace usms {

/// Where and as whom to call USMS.
struct soap_endpoint {
  std::string url;
  soap::credentials creds;
};

/// Sends `c` to `ep`; `done` runs exactly once, on an I/O thread.
using soap_sender = std::function<void(const soap::call& c,
                                       const soap_endpoint& ep,
                                       std::function<void(call_result)> done)>;

/// A sender over `client` (which must outlive every call).
soap_sender make_soap_sender(std::shared_ptr<http::client> client);

/// Turns an HTTP outcome for `c` into a call result (parses SOAP).
call_result read_soap_outcome(const soap::call& c, unsigned status,
                              std::string_view body,
                              std::string_view retry_after);

/// Seconds or an HTTP date in Retry-After, as milliseconds; -1 if absent
/// or unreadable.
int64_t parse_retry_after(std::string_view value);

} // namespace usms
