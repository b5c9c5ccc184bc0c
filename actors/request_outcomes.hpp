#pragma once

/// How a request supervisor turns answers into outcomes and reasons: the
/// parts of its work that need no actor. CAF-free.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/request.hpp"
#include "messages/usms_status.hpp"
#include "transport/call_result.hpp"

namespace usms {

/// The succeeded outcome of `req` from USMS's answer `r` (whose tickets are
/// moved out): a create's ticket id, an update's ticket, a query's page.
request_outcome success_of(const ticket_request& req, call_result& r);

/// The newest ticket among a lookup's answer (by CreatedAt): the one this
/// request made, since creates that share an ExternalReference run one at
/// a time. Null when there is none.
const ticket_fields* newest_ticket(const std::vector<ticket_fields>& tickets);

/// `reason` with how many attempts were made.
std::string gave_up_after(const std::string& reason, int attempts);

/// Why a request gave up waiting: how long since `clock_start` (its
/// acceptance, or an operator's retry when `retried`), since when USMS was
/// unreachable if it is, and the last error.
std::string give_up_reason(int64_t now, int64_t clock_start, bool retried,
                           const usms_status& usms,
                           const std::string& last_error);

} // namespace usms
