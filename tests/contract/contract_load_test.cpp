// Loading contract files: the shipped ones load and say what they should;
// a file that is malformed or inconsistent with itself is refused with its
// name, the line and the reason.

#include "contract/contract.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace usms;
using namespace usms::soap;

namespace {

// A small valid contract; the tests below break it one way at a time.
const std::string base = R"([contract]
name = "Mini"
namespace = "urn:mini"

[types]
incident = "I"
change = "C"

[fields]
ticket_id = "Id"
summary = "Text"
priority = "Prio"

[filter]
external_reference = "Ref"

[faults]
code = "Code"
message = "Message"

[[operation]]
name = "Open"
action = "create"
types = ["incident", "change"]

[operation.request]
element = "OpenRequest"
type = "Kind"
fields = ["summary", "priority"]

[operation.answer]
element = "OpenResponse"
ticket_id = "Id"
)";

std::string replaced(std::string text, const std::string& from,
                     const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// `base` with the last `from` replaced (the answer's keys end the file).
std::string last_replaced(const std::string& from, const std::string& to) {
  auto text = base;
  return text.replace(text.rfind(from), from.size(), to);
}

std::string refused(const std::string& text) {
  auto r = load_contract_text(text, "mini.toml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "contract");
  return r.error().message;
}

} // namespace

TEST_CASE("the built-in contracts and the examples load") {
  auto& v1 = test::builtin(1);
  CHECK(v1.name == "USMS API v1");
  CHECK(v1.ns == "urn:usms:ticket:v1");
  CHECK(v1.offered_list() == "create incident");
  CHECK_FALSE(v1.lookup_by_external_reference);
  REQUIRE(v1.sent(action::create, ticket_type::incident));
  CHECK(v1.sent(action::create, ticket_type::incident)->name
        == "CreateIncident");
  CHECK(v1.source == "built-in usms-v1.toml");

  auto& v2 = test::builtin(2);
  CHECK(v2.lookup_by_external_reference);
  CHECK(v2.ws_security);
  for (auto t :
       {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
    CHECK(v2.sent(action::create, t)->name == "CreateTicket");
    CHECK(v2.sent(action::update, t)->name == "UpdateTicket");
    CHECK(v2.sent(action::query, t)->name == "QueryTickets");
  }
  // Offered, not sent.
  REQUIRE(v2.by_request("CreateIncidentRequest"));
  CHECK_FALSE(v2.by_request("CreateIncidentRequest")->send);
  // [fields] in file order is the Ticket sequence: the model's order.
  REQUIRE(v2.field_order.size() == ticket_field_defs().size());
  for (std::size_t i = 0; i < v2.field_order.size(); ++i)
    CHECK(v2.field_order[i] == i);

  auto& acme = test::example("acme-itsm.toml");
  CHECK(acme.operations.size() == 9);
  CHECK_FALSE(acme.ws_security);
  // File order, not the model's: Title comes before State.
  CHECK(acme.field_tags[acme.field_order[1]].name == "Title");
  CHECK(acme.field_tags[acme.field_order[2]].name == "State");
  CHECK(acme.faults.ours("E-BUSY") == "UNAVAILABLE");
  CHECK(acme.faults.wire("UNAVAILABLE") == "E-DOWN");

  auto& orion = test::example("orion-osb.toml");
  CHECK(orion.sent(action::query, ticket_type::change)->ns
        == "http://orion.example.net/osb/search/v1");
  CHECK_FALSE(orion.field_tags[static_cast<std::size_t>(
    model_field_index("Impact"))]);

  auto mini = load_contract_text(base, "mini.toml");
  INFO((mini ? "" : mini.error().message));
  REQUIRE(mini.ok());
  CHECK((*mini)->offered_list() == "create incident, create change");
}

TEST_CASE("a file that is not valid TOML is refused with its line") {
  auto m = refused(replaced(base, "name = \"Mini\"", "name = \"Mini"));
  CHECK(m.find("mini.toml line 2: not valid TOML: ") == 0);
  CHECK(refused("[contract\n").find("mini.toml line 1: not valid TOML") == 0);
  auto missing = load_contract_file("/nonexistent/contract.toml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message
        == "/nonexistent/contract.toml: cannot read the contract file");
}

TEST_CASE("unknown keys and values of the wrong type are refused") {
  CHECK(refused(replaced(base, "namespace = \"urn:mini\"",
                         "namespace = \"urn:mini\"\nnamespce = \"x\""))
        == "mini.toml line 4: unknown key 'namespce' in [contract]");
  CHECK(refused(replaced(base, "fields = [", "feilds = ["))
        == "mini.toml line 26: [operation.request] of Open needs ticket (the "
           "element the fields sit in) or fields (the fields that sit "
           "directly in OpenRequest)");
  CHECK(refused(last_replaced("ticket_id = \"Id\"", "ticket = \"T\""))
        == "mini.toml line 33: ticket in [operation.answer] of Open does not "
           "belong to a create operation");
  CHECK(refused(replaced(base, "[filter]", "[filters]"))
        == "mini.toml line 14: unknown key 'filters' in the contract file");
  CHECK(refused(replaced(base, "action = \"create\"", "action = 1"))
        == "mini.toml line 23: action in [[operation]] #1 must be a string, "
           "not an integer");
  CHECK(refused(replaced(base, "action = \"create\"", "action = \"delete\""))
        == "mini.toml line 21: action of Open must be create, update or "
           "query, not 'delete'");
  CHECK(refused(replaced(base, "priority = \"Prio\"", "prio = \"Prio\""))
        .find("mini.toml line 12: 'prio' is not a ticket field (ticket_id, "
              "status, summary")
        == 0);
}

TEST_CASE("a field a request uses must be mapped to an element") {
  CHECK(refused(replaced(base, "priority = \"Prio\"\n", ""))
        == "mini.toml line 28: Open carries priority, which [fields] does "
           "not map to an element");
  CHECK(refused(replaced(base, "types = [\"incident\", \"change\"]",
                         "types = [\"incident\", \"problem\"]"))
        == "mini.toml line 26: [types] has no name for problem tickets, "
           "which Open's type element needs");
  CHECK(refused(replaced(base, "fields = [\"summary\", \"priority\"]",
                         "fields = [\"priority\"]"))
        == "mini.toml line 26: Open does not carry summary, which every "
           "create needs");
  CHECK(refused(replaced(base, "fields = [\"summary\", \"priority\"]",
                         "fields = [\"summary\", \"ticket_id\"]"))
        == "mini.toml line 29: ticket_id is set by USMS: a request cannot "
           "carry it");
  CHECK(refused(replaced(base, "type = \"Kind\"\n", ""))
        == "mini.toml line 26: Open serves 2 ticket types, so its request "
           "needs a type element (type = ...)");
}

TEST_CASE("duplicate element names are refused") {
  CHECK(refused(replaced(base, "priority = \"Prio\"", "priority = \"Text\""))
        == "mini.toml line 12: duplicate element name 'Text' in [fields] "
           "(also on line 11)");
  CHECK(refused(replaced(base, "type = \"Kind\"", "type = \"Text\""))
        == "mini.toml line 26: duplicate element name 'Text' in "
           "[operation.request] of Open");
  CHECK(refused(replaced(base, "element = \"OpenResponse\"",
                         "element = \"OpenRequest\""))
        == "mini.toml line 21: Open uses 'OpenRequest' for both its request "
           "and its answer");
  auto second = base + R"(
[[operation]]
name = "Open2"
action = "create"
types = ["incident"]
send = false
[operation.request]
element = "OpenRequest"
fields = ["summary"]
[operation.answer]
element = "Open2Response"
ticket_id = "Id"
)";
  CHECK(refused(second)
        == "mini.toml line 35: duplicate element name 'OpenRequest': Open2 "
           "and Open (line 21) both use it");
  CHECK(refused(replaced(replaced(second, "send = false\n", ""),
                         "element = \"OpenRequest\"\nfields = [\"summary\"]",
                         "element = \"Open2Request\"\nfields = [\"summary\"]"))
        == "mini.toml line 35: Open2 and Open (line 21) would both be sent "
           "to create incident tickets; mark one send = false");
  CHECK(refused(replaced(base, "message = \"Message\"", "message = \"Code\""))
        == "mini.toml line 17: duplicate element name in [faults]: detail, "
           "code and message need names of their own");
}

TEST_CASE("an operation without an answer element is refused") {
  CHECK(refused(replaced(base, "element = \"OpenResponse\"\n", ""))
        == "mini.toml line 31: [operation.answer] of Open needs element");
  CHECK(refused(replaced(base, "[operation.answer]\nelement = "
                               "\"OpenResponse\"\nticket_id = \"Id\"\n",
                         ""))
        == "mini.toml line 21: [[operation]] #1 needs a table answer");
  CHECK(refused(last_replaced("ticket_id = \"Id\"\n", ""))
        == "mini.toml line 31: [operation.answer] of Open needs ticket_id");
}

TEST_CASE("what the contract promises must be possible") {
  CHECK(refused(replaced(base, "namespace = \"urn:mini\"",
                         "namespace = \"urn:mini\"\n"
                         "lookup_by_external_reference = true"))
        == "mini.toml: lookup_by_external_reference needs a query of "
           "incident tickets that filters by external_reference");
  CHECK(refused(replaced(base, "[[operation]]\nname = \"Open\"",
                         "[[operation]]\nname = \"Open\"\nsend = false"))
        == "mini.toml: every operation is send = false: the gateway would "
           "have nothing to send");
  CHECK(refused(replaced(base, "name = \"Open\"", "name = \"Open it\""))
        == "mini.toml line 21: operation name 'Open it' is not an XML name");
  CHECK(refused(replaced(base, "namespace = \"urn:mini\"",
                         "namespace = \"urn mini\""))
        == "mini.toml line 1: namespace 'urn mini' is not a namespace URI "
           "(no spaces, not empty)");
}

TEST_CASE("value spellings must name model values, each once") {
  auto with = [&](const std::string& values) {
    return replaced(base, "[faults]", values + "\n[faults]");
  };
  REQUIRE(load_contract_text(with("[values.priority]\n1 = \"P1\"\n"), "m")
            .ok());
  CHECK(refused(with("[values.priority]\n9 = \"P9\"\n"))
        == "mini.toml line 18: '9' in [values.priority] is not one of the "
           "model's values (1, 2, 3, 4, 5)");
  CHECK(refused(with("[values.status.incident]\nNew = \"N\"\nPending = "
                     "\"N\"\n"))
        == "mini.toml line 19: 'N' in [values.status.incident] spells both "
           "New and Pending");
  CHECK(refused(with("[values.boolean]\nyes = \"Y\"\n"))
        == "mini.toml line 18: 'yes' in [values.boolean] is not one of the "
           "model's values (true, false)");
  CHECK(refused(with("[values.colour]\nred = \"R\"\n"))
        == "mini.toml line 17: unknown key 'colour' in [values]");
  CHECK(refused(replaced(base, "message = \"Message\"",
                         "message = \"Message\"\n[faults.codes]\nE1 = "
                         "\"BROKEN\""))
        .find("mini.toml line 21: the wire code 'E1' must map to one of "
              "VALIDATION, NOT_FOUND")
        == 0);
}
