#include "contract/soap_rules.hpp"

#include <algorithm>

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

bool offered(operation op, int api_version) {
  return api_version == 2 || (api_version == 1 && op == operation::create_incident);
}

std::string not_offered_message(operation op, int api_version) {
  return std::string{operation_name(op)} + " is not offered by USMS API v"
         + std::to_string(api_version);
}

const std::vector<std::string_view>& create_incident_fields() {
  static const std::vector<std::string_view> fields{
    "Summary",           "Description",       "Priority",
    "Category",          "AssignmentGroup",   "ConfigurationItem",
    "ExternalReference", "ReportedBy"};
  return fields;
}

std::string check_create_incident(const ticket_fields& fields) {
  auto& allowed = create_incident_fields();
  for (auto& [name, value] : fields) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return name + " is not an element of CreateIncidentRequest";
    auto problem = check_field_value(*field_by_soap_name(name),
                                     ticket_type::incident, value);
    if (!problem.empty())
      return problem;
  }
  return check_summary(fields);
}

std::string check_ticket(const ticket_fields& fields, ticket_type type,
                         bool create) {
  for (auto& [name, value] : fields) {
    auto def = field_by_soap_name(name);
    if (!def)
      return name + " is not a Ticket field";
    if (!field_allowed(*def, type))
      return name + " is not a field of " + std::string{soap_name(type)}
             + " tickets";
    if (def->read_only)
      return name + " is read-only (set by USMS)";
    auto problem = check_field_value(*def, type, value);
    if (!problem.empty())
      return problem;
  }
  return create ? check_summary(fields) : std::string{};
}

std::string check_filter(const ticket_fields& filter, ticket_type type) {
  auto& allowed = query_filter_fields();
  for (auto& [name, value] : filter) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return name + " is not a Filter element (TicketId, Status, "
                    "ExternalReference, ConfigurationItem, AssignmentGroup, "
                    "UpdatedSince)";
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

std::string check_call(const call& c) {
  switch (c.op) {
    case operation::create_incident:
      return check_create_incident(c.fields);
    case operation::create_ticket:
      return check_ticket(c.fields, c.type, true);
    case operation::update_ticket: {
      if (blank(c.ticket_id))
        return "TicketId is required";
      if (auto p = check_xml_text(c.ticket_id); !p.empty())
        return "TicketId holds " + p;
      if (auto p = check_xml_text(c.work_note); !p.empty())
        return "WorkNote holds " + p;
      return check_ticket(c.fields, c.type, false);
    }
    case operation::query_tickets:
      if (c.max_results < 0)
        return "MaxResults must not be negative";
      return check_filter(c.filter, c.type);
  }
  return "unknown operation";
}

} // namespace usms::soap
