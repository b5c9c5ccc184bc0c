#pragma once

/// The simulator's tickets as people in USMS would handle them, through
/// its admin API:
///
/// - `GET /admin/tickets/{id}` → `{"ticket": {"TicketId": …, "Status": …,
///   …}, "work_notes": ["…", …]}` (fields by their SOAP names, work notes
///   oldest first); 404 when there is no such ticket.
/// - `PUT /admin/tickets/{id}` with `{"status": "Closed", "work_note":
///   "…"}` (both optional) changes the ticket as a person would: the status
///   must be one of the ticket type's, a ticket that is Closed, Cancelled
///   or Completed keeps its status (409), UpdatedAt moves on; answers like
///   the GET.

#include "sim/ticket_store.hpp"
#include "transport/http_server.hpp"

namespace usms::sim {

/// Answers `req` when it is one of the routes above and returns true;
/// false when the path is not `/admin/tickets/…`.
bool handle_admin_ticket(ticket_store& store, const http::request& req,
                         const http::responder& respond);

} // namespace usms::sim
