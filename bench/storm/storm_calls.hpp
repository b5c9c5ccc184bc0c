#pragma once

/// The HTTP call each storm request becomes: a POST for a create, a PATCH
/// for an update, a GET with query parameters for a query.

#include "bench/storm/storm_file.hpp"
#include "transport/http_client.hpp"

#include <string>

namespace usms::bench {

/// The call for `r` against the gateway at `gateway`; with
/// `idempotency_keys`, a create or update with a correlation id carries it
/// as Idempotency-Key.
http::outgoing to_outgoing(const std::string& gateway, bool idempotency_keys,
                           const storm_request& r);

} // namespace usms::bench
