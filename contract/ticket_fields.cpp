#include "contract/ticket_fields.hpp"

#include <cstddef>
#include <string>

#include "common/iso_time.hpp"
#include "contract/soap_codec.hpp"

namespace usms {

namespace {

// Which ticket types a field belongs to.
constexpr bool all[] = {true, true, true};
constexpr bool inc[] = {true, false, false};
constexpr bool chg[] = {false, true, false};
constexpr bool prb[] = {false, false, true};

field_def def(std::string_view soap, std::string_view json, field_kind kind,
              const bool (&types)[3], bool read_only = false) {
  return field_def{soap,     json,     kind,     types[0],
                   types[1], types[2], read_only};
}

std::vector<field_def> make_defs() {
  using k = field_kind;
  // The XSD's xsd:sequence order: common fields, then Incident, Change,
  // Problem.
  return {
    def("TicketId", "ticket_id", k::text, all, true),
    def("Status", "status", k::status, all),
    def("Summary", "summary", k::text, all),
    def("Description", "description", k::text, all),
    def("Priority", "priority", k::priority, all),
    def("Impact", "impact", k::priority, all),
    def("Urgency", "urgency", k::priority, all),
    def("Category", "category", k::text, all),
    def("AssignmentGroup", "assignment_group", k::text, all),
    def("Assignee", "assignee", k::text, all),
    def("ConfigurationItem", "configuration_item", k::text, all),
    def("ExternalReference", "external_reference", k::text, all),
    def("ReportedBy", "reported_by", k::text, all),
    def("CreatedAt", "created_at", k::date_time, all, true),
    def("UpdatedAt", "updated_at", k::date_time, all, true),
    def("ResolutionCode", "resolution_code", k::text, inc),
    def("ResolutionNotes", "resolution_notes", k::text, inc),
    def("ChangeType", "change_type", k::change_type, chg),
    def("Risk", "risk", k::text, chg),
    def("PlannedStart", "planned_start", k::date_time, chg),
    def("PlannedEnd", "planned_end", k::date_time, chg),
    def("BackoutPlan", "backout_plan", k::text, chg),
    def("RootCause", "root_cause", k::text, prb),
    def("Workaround", "workaround", k::text, prb),
    def("KnownError", "known_error", k::boolean, prb),
  };
}

// XSD collapses whitespace around numbers, booleans and dates.
std::string_view trim_xsd_space(std::string_view s) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  };
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `n` digits at `pos`; -1 when they are not there.
int read_digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size())
    return -1;
  int x = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i]))
      return -1;
    x = x * 10 + (s[i] - '0');
  }
  return x;
}

bool is_leap(long year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(long year, int month) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

} // namespace

std::string_view canonical_value(field_kind kind, std::string_view value) {
  auto v = trim_xsd_space(value);
  if (kind == field_kind::boolean)
    return v == "1" ? "true" : v == "0" ? "false" : v;
  if (kind == field_kind::priority) {
    if (!v.empty() && v.front() == '+')
      v.remove_prefix(1);
    while (v.size() > 1 && v.front() == '0')
      v.remove_prefix(1);
  }
  return v;
}

const std::vector<field_def>& ticket_field_defs() {
  static const std::vector<field_def> defs = make_defs();
  return defs;
}

const field_def* field_by_soap_name(std::string_view name) {
  for (auto& d : ticket_field_defs())
    if (d.soap_name == name)
      return &d;
  return nullptr;
}

const field_def* field_by_json_name(std::string_view name) {
  for (auto& d : ticket_field_defs())
    if (d.json_name == name)
      return &d;
  return nullptr;
}

bool field_allowed(const field_def& def, ticket_type type) {
  switch (type) {
    case ticket_type::incident:
      return def.incident;
    case ticket_type::change:
      return def.change;
    case ticket_type::problem:
      return def.problem;
  }
  return false;
}

const std::vector<std::string_view>& status_values(ticket_type type) {
  static const std::vector<std::string_view> incident{
    "New",      "Assigned", "InProgress", "Pending",
    "Resolved", "Closed",   "Cancelled"};
  static const std::vector<std::string_view> change{
    "Draft",        "Requested", "Approved", "Scheduled",
    "Implementing", "Completed", "Cancelled"};
  static const std::vector<std::string_view> problem{
    "New", "Investigating", "KnownError", "Resolved", "Closed"};
  switch (type) {
    case ticket_type::change:
      return change;
    case ticket_type::problem:
      return problem;
    default:
      return incident;
  }
}

bool is_valid_priority(std::string_view value) {
  auto v = trim_xsd_space(value);
  if (!v.empty() && v.front() == '+')
    v.remove_prefix(1);
  // xsd:int allows leading zeros ("003").
  while (v.size() > 1 && v.front() == '0')
    v.remove_prefix(1);
  return v.size() == 1 && v[0] >= '1' && v[0] <= '5';
}

bool is_valid_boolean(std::string_view value) {
  auto v = trim_xsd_space(value);
  return v == "true" || v == "false" || v == "1" || v == "0";
}

bool is_valid_date_time(std::string_view value) {
  // -?YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?  (negative years refused)
  auto s = trim_xsd_space(value);
  std::size_t pos = 0;
  while (pos < s.size() && is_digit(s[pos]))
    ++pos;
  if (pos < 4 || (pos > 4 && s[0] == '0'))
    return false;
  long year = 0;
  for (std::size_t i = 0; i < pos; ++i) {
    if (year > 100000000)
      return false;
    year = year * 10 + (s[i] - '0');
  }
  if (year == 0)
    return false;
  if (pos + 15 > s.size() || s[pos] != '-' || s[pos + 3] != '-'
      || s[pos + 6] != 'T' || s[pos + 9] != ':' || s[pos + 12] != ':')
    return false;
  int month = read_digits(s, pos + 1, 2);
  int day = read_digits(s, pos + 4, 2);
  int hour = read_digits(s, pos + 7, 2);
  int minute = read_digits(s, pos + 10, 2);
  int second = read_digits(s, pos + 13, 2);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)
      || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
      || second > 59)
    return false;
  pos += 15;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < s.size() && is_digit(s[pos]))
      ++pos;
    if (pos == start)
      return false;
  }
  if (pos == s.size())
    return true;
  if (s[pos] == 'Z')
    return pos + 1 == s.size();
  if (s[pos] != '+' && s[pos] != '-')
    return false;
  if (pos + 6 != s.size() || s[pos + 3] != ':')
    return false;
  int tz_hour = read_digits(s, pos + 1, 2);
  int tz_minute = read_digits(s, pos + 4, 2);
  if (tz_hour < 0 || tz_minute < 0 || tz_minute > 59)
    return false;
  return tz_hour < 14 || (tz_hour == 14 && tz_minute == 0);
}

std::optional<int64_t> date_time_ms(std::string_view value) {
  if (!is_valid_date_time(value))
    return std::nullopt;
  // The lexical check is the contract's; the arithmetic is the common one.
  return parse_iso8601_ms(trim_xsd_space(value));
}

std::string check_field_value(const field_def& def, ticket_type type,
                              std::string_view value) {
  std::string name{def.soap_name};
  if (auto problem = soap::check_xml_text(value); !problem.empty())
    return name + " holds " + problem;
  switch (def.kind) {
    case field_kind::text:
      return {};
    case field_kind::priority:
      if (is_valid_priority(value))
        return {};
      return name + " must be an integer from 1 to 5";
    case field_kind::boolean:
      if (is_valid_boolean(value))
        return {};
      return name + " must be true or false";
    case field_kind::date_time:
      if (is_valid_date_time(value))
        return {};
      return name
             + " must be an xsd:dateTime such as 2026-11-27T10:00:00Z or "
               "2026-11-27T11:00:00+01:00";
    case field_kind::change_type:
      if (value == "Standard" || value == "Normal" || value == "Emergency")
        return {};
      return name + " must be Standard, Normal or Emergency";
    case field_kind::status: {
      auto& values = status_values(type);
      std::string list;
      for (auto v : values) {
        if (v == value)
          return {};
        if (!list.empty())
          list += ", ";
        list += v;
      }
      return name + " '" + std::string{value} + "' is not a status of "
             + std::string{soap_name(type)} + " tickets (" + list + ")";
    }
  }
  return {};
}

const std::vector<std::string_view>& query_filter_fields() {
  static const std::vector<std::string_view> fields{
    "TicketId",        "Status",          "ExternalReference",
    "ConfigurationItem", "AssignmentGroup", "UpdatedSince"};
  return fields;
}

} // namespace usms
