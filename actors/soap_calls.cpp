#include "actors/soap_calls.hpp"

#include <algorithm>

namespace usms {

soap::call make_call(const ticket_request& req, int api_version,
                     int query_limit) {
  soap::call c;
  c.api_version = api_version;
  c.type = req.type;
  switch (req.act) {
    case action::create:
      c.op = api_version < 2 ? soap::operation::create_incident
                             : soap::operation::create_ticket;
      c.fields = req.fields;
      if (!req.external_reference.empty())
        c.fields["ExternalReference"] = req.external_reference;
      break;
    case action::update:
      c.op = soap::operation::update_ticket;
      c.ticket_id = req.ticket_id;
      c.fields = req.fields;
      c.work_note = req.work_note;
      break;
    case action::query:
      c.op = soap::operation::query_tickets;
      c.filter = req.filter;
      c.max_results = req.limit > 0 ? std::min(req.limit, query_limit)
                                    : query_limit;
      break;
  }
  return c;
}

soap::call make_lookup_call(const ticket_request& req, int query_limit) {
  soap::call c;
  c.op = soap::operation::query_tickets;
  c.api_version = 2;
  c.type = req.type;
  c.filter["ExternalReference"] = req.external_reference;
  c.max_results = query_limit;
  return c;
}

} // namespace usms
