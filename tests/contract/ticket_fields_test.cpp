#include "contract/ticket_fields.hpp"

#include <catch2/catch.hpp>

#include <chrono>

#include "common/iso_time.hpp"
#include "contract/ticket.hpp"

using namespace usms;

namespace {

std::string snake_case(std::string_view soap) {
  std::string out;
  for (char c : soap) {
    if (c >= 'A' && c <= 'Z') {
      if (!out.empty())
        out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

TEST_CASE("ticket fields follow the XSD order and snake_case JSON names") {
  std::vector<std::string_view> expected{
    "TicketId",       "Status",          "Summary",
    "Description",    "Priority",        "Impact",
    "Urgency",        "Category",        "AssignmentGroup",
    "Assignee",       "ConfigurationItem", "ExternalReference",
    "ReportedBy",     "CreatedAt",       "UpdatedAt",
    "ResolutionCode", "ResolutionNotes", "ChangeType",
    "Risk",           "PlannedStart",    "PlannedEnd",
    "BackoutPlan",    "RootCause",       "Workaround",
    "KnownError"};
  auto& defs = ticket_field_defs();
  REQUIRE(defs.size() == expected.size());
  for (std::size_t i = 0; i < defs.size(); ++i) {
    CHECK(defs[i].soap_name == expected[i]);
    CHECK(defs[i].json_name == snake_case(defs[i].soap_name));
    CHECK(field_by_soap_name(defs[i].soap_name) == &defs[i]);
    CHECK(field_by_json_name(defs[i].json_name) == &defs[i]);
  }
  CHECK(field_by_json_name("assignment_group")->soap_name
        == "AssignmentGroup");
  CHECK(field_by_soap_name("assignment_group") == nullptr);
  CHECK(field_by_json_name("Nope") == nullptr);
}

TEST_CASE("fields belong to their ticket types") {
  auto f = [](std::string_view n) { return *field_by_soap_name(n); };
  CHECK(field_allowed(f("Summary"), ticket_type::change));
  CHECK(field_allowed(f("ResolutionCode"), ticket_type::incident));
  CHECK_FALSE(field_allowed(f("ResolutionCode"), ticket_type::problem));
  CHECK(field_allowed(f("ChangeType"), ticket_type::change));
  CHECK_FALSE(field_allowed(f("ChangeType"), ticket_type::incident));
  CHECK(field_allowed(f("KnownError"), ticket_type::problem));
  CHECK_FALSE(field_allowed(f("KnownError"), ticket_type::change));
  CHECK(f("TicketId").read_only);
  CHECK(f("CreatedAt").read_only);
  CHECK(f("UpdatedAt").read_only);
  CHECK_FALSE(f("Status").read_only);
}

TEST_CASE("status values per ticket type") {
  CHECK(status_values(ticket_type::incident).size() == 7);
  CHECK(status_values(ticket_type::change).front() == "Draft");
  CHECK(status_values(ticket_type::problem).back() == "Closed");
  auto& status = *field_by_soap_name("Status");
  CHECK(check_field_value(status, ticket_type::problem, "KnownError").empty());
  auto msg = check_field_value(status, ticket_type::incident, "Draft");
  CHECK(msg.find("Status 'Draft' is not a status of Incident tickets")
        != std::string::npos);
}

TEST_CASE("check_field_value validates each kind") {
  auto check = [](std::string_view name, std::string_view value) {
    return check_field_value(*field_by_soap_name(name), ticket_type::change,
                             value);
  };
  for (auto ok : {"1", "5", " 3 ", "+2", "004"})
    CHECK(check("Priority", ok).empty());
  for (auto bad : {"0", "6", "", "abc", "2.5", "-1", "1 2"})
    CHECK(check("Urgency", bad) == "Urgency must be an integer from 1 to 5");
  CHECK(check("ChangeType", "Normal").empty());
  CHECK(check("ChangeType", "normal")
        == "ChangeType must be Standard, Normal or Emergency");
  for (auto ok : {"2026-11-27T10:00:00Z", "2026-11-27T10:00:00+01:00",
                  "2026-11-27T10:00:00.123-05:30", "2026-11-27T10:00:00",
                  "2024-02-29T23:59:59Z", " 2026-01-01T00:00:00Z\n"})
    CHECK(check("PlannedStart", ok).empty());
  for (auto bad : {"2026-11-27", "2026-11-27 10:00:00Z", "2026-13-01T00:00:00Z",
                   "2025-02-29T00:00:00Z", "2026-11-27T24:00:00Z",
                   "2026-11-27T10:00:00+15:00", "2026-11-27T10:00:00.Z",
                   "26-11-27T10:00:00Z", "2026-11-27T10:00Z", "tomorrow"})
    CHECK(check("PlannedEnd", bad).find("PlannedEnd must be an xsd:dateTime")
          == 0);
  auto known = *field_by_soap_name("KnownError");
  for (auto ok : {"true", "false", "1", "0", " true "})
    CHECK(check_field_value(known, ticket_type::problem, ok).empty());
  for (auto bad : {"yes", "TRUE", "", "2"})
    CHECK(check_field_value(known, ticket_type::problem, bad)
          == "KnownError must be true or false");
  CHECK(check("Summary", "anything <&> goes").empty());
  CHECK(check("Summary", "bad \x01 byte")
        == "Summary holds control character U+0001 at byte 4, which XML 1.0 "
           "does not allow");
}

TEST_CASE("xsd:dateTime values as instants: zones and a round trip") {
  // The simulator compares UpdatedSince filters this way and stamps
  // CreatedAt / UpdatedAt with the common formatter.
  CHECK(format_iso8601_utc_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso8601_utc_ms(1700000000123) == "2023-11-14T22:13:20.123Z");
  CHECK(date_time_ms("2023-11-14T22:13:20.123Z") == 1700000000123);
  CHECK(date_time_ms("2023-11-14T22:13:20Z") == 1700000000000);
  CHECK(date_time_ms("2023-11-14T22:13:20") == 1700000000000);
  CHECK(date_time_ms("2023-11-15T00:13:20+02:00") == 1700000000000);
  CHECK(date_time_ms("2023-11-14T21:13:20-01:00") == 1700000000000);
  CHECK(date_time_ms(" 2023-11-14T22:13:20Z\n") == 1700000000000);
  CHECK_FALSE(date_time_ms("2023-11-14"));
  CHECK_FALSE(date_time_ms("yesterday"));
  CHECK_FALSE(date_time_ms("2023-13-14T22:13:20Z"));
  CHECK_FALSE(date_time_ms("2023-11-14T22:13:20Zjunk"));
  // Valid xsd:dateTime, but past what the instant arithmetic reads.
  CHECK(is_valid_date_time("12023-11-14T22:13:20Z"));
  CHECK_FALSE(date_time_ms("12023-11-14T22:13:20Z"));
  using namespace std::chrono;
  auto now = duration_cast<milliseconds>(
               system_clock::now().time_since_epoch())
               .count();
  CHECK(date_time_ms(format_iso8601_utc_ms(now)) == now);
}

TEST_CASE("ticket enums print and parse") {
  for (auto t : {ticket_type::incident, ticket_type::change,
                 ticket_type::problem}) {
    CHECK(parse_ticket_type(to_string(t)) == t);
    CHECK(parse_soap_ticket_type(soap_name(t)) == t);
  }
  CHECK(soap_name(ticket_type::change) == "Change");
  CHECK_FALSE(parse_soap_ticket_type("incident"));
  CHECK_FALSE(parse_ticket_type("Incident"));
  for (auto a : {action::create, action::update, action::query})
    CHECK(parse_action(to_string(a)) == a);
  CHECK_FALSE(parse_action("delete"));
}
