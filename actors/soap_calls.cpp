#include "actors/soap_calls.hpp"

#include <algorithm>

namespace usms {

soap::call make_call(const ticket_request& req, int query_limit) {
  soap::call c;
  c.act = req.act;
  c.type = req.type;
  switch (req.act) {
    case action::create:
      c.fields = req.fields;
      if (!req.external_reference.empty())
        c.fields["ExternalReference"] = req.external_reference;
      break;
    case action::update:
      c.ticket_id = req.ticket_id;
      c.fields = req.fields;
      c.work_note = req.work_note;
      break;
    case action::query:
      c.filter = req.filter;
      c.max_results = req.limit > 0 ? std::min(req.limit, query_limit)
                                    : query_limit;
      break;
  }
  return c;
}

soap::call make_lookup_call(const ticket_request& req, int query_limit) {
  soap::call c;
  c.act = action::query;
  c.type = req.type;
  c.filter["ExternalReference"] = req.external_reference;
  c.max_results = query_limit;
  return c;
}

} // namespace usms
