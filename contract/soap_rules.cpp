#include "contract/soap_rules.hpp"

namespace usms::soap {

namespace {

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string check_summary(const ticket_fields& fields) {
  auto i = fields.find("Summary");
  if (i == fields.end() || blank(i->second))
    return "Summary is required";
  return {};
}

} // namespace

std::string check_fields(const operation& op, ticket_type type,
                         const ticket_fields& fields, bool create) {
  auto& defs = ticket_field_defs();
  // Fields directly in the request element are that element's children;
  // fields in a wrapper are the flat Ticket type's.
  bool direct = !op.ticket;
  for (auto& [name, value] : fields) {
    auto i = model_field_index(name);
    if (direct && (i < 0 || !op.carries(static_cast<std::size_t>(i))))
      return name + " is not an element of " + op.request.name;
    if (i < 0)
      return name + " is not a Ticket field";
    auto& def = defs[static_cast<std::size_t>(i)];
    if (!field_allowed(def, type))
      return name + " is not a field of " + std::string{soap_name(type)}
             + " tickets";
    if (def.read_only)
      return name + " is read-only (set by USMS)";
    if (!op.carries(static_cast<std::size_t>(i)))
      return name + " is not carried by " + op.request.name;
    if (auto problem = check_field_value(def, type, value); !problem.empty())
      return problem;
  }
  return create ? check_summary(fields) : std::string{};
}

std::string check_filter(const operation& op, ticket_type type,
                         const ticket_fields& filter) {
  for (auto& [name, value] : filter) {
    auto i = model_filter_index(name);
    if (i < 0)
      return name + " is not a Filter element (TicketId, Status, "
                    "ExternalReference, ConfigurationItem, AssignmentGroup, "
                    "UpdatedSince)";
    if (!op.filters_by(static_cast<std::size_t>(i)))
      return name + " is not a filter of " + op.request.name;
    std::string problem;
    if (name == "UpdatedSince") {
      problem = check_xml_text(value);
      if (!problem.empty())
        return "UpdatedSince holds " + problem;
      if (!is_valid_date_time(value))
        return "UpdatedSince must be an xsd:dateTime such as "
               "2026-11-27T10:00:00Z";
    } else {
      problem = check_field_value(*field_by_soap_name(name), type, value);
    }
    if (!problem.empty())
      return problem;
  }
  return {};
}

std::string check_call(const operation& op, const call& c) {
  switch (c.act) {
    case action::create:
      return check_fields(op, c.type, c.fields, true);
    case action::update: {
      if (blank(c.ticket_id))
        return "TicketId is required";
      if (auto p = check_xml_text(c.ticket_id); !p.empty())
        return "TicketId holds " + p;
      if (auto p = check_xml_text(c.work_note); !p.empty())
        return "WorkNote holds " + p;
      if (!c.work_note.empty() && !op.work_note)
        return op.request.name + " carries no work note";
      return check_fields(op, c.type, c.fields, false);
    }
    case action::query:
      if (c.max_results < 0)
        return "MaxResults must not be negative";
      return check_filter(op, c.type, c.filter);
  }
  return "unknown action";
}

} // namespace usms::soap
