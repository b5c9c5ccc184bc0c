#pragma once

/// The SOAP calls a request becomes: what to ask USMS, in the contract's
/// terms. CAF-free.

#include "contract/soap_codec.hpp"
#include "messages/request.hpp"

namespace usms {

/// The SOAP call that performs `req` (what to do; the contract says how).
soap::call make_call(const ticket_request& req, int query_limit);

/// The call that asks USMS which tickets carry `req`'s ExternalReference.
soap::call make_lookup_call(const ticket_request& req, int query_limit);

} // namespace usms
