#pragma once

/// What admission decides for a request (and an alarm event) before it is
/// journaled: its id, its acceptance time and, for a create, its
/// ExternalReference. CAF-free.

#include <string>

#include "messages/request.hpp"

namespace usms {

/// A new request id: time-ordered, unique within this process, across
/// restarts and, but for a chance of about one in 16 million per
/// millisecond both use, across instances (milliseconds since the epoch,
/// then a sequence number that starts at a random value).
std::string make_request_id();

/// A new alarm event id, made like a request id (`e…` instead of `r…`):
/// ids made later sort later.
std::string make_event_id();

/// Fills in what admission decides when `req` does not carry it yet: a new
/// id (make_request_id), the acceptance time (now), and for a create the
/// ExternalReference USMS stores with the ticket, by which a lookup finds
/// it after an ambiguous answer: the correlation id, else the request id.
/// The intake calls it for every request it admits; the HTTP API and the
/// alarm engine call it first so that their answers show the values the
/// journal will hold.
void assign_identity(ticket_request& req);

} // namespace usms
