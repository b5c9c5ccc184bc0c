// Unit tests of the simulator's pure parts (no process, no network).

#include <catch2/catch.hpp>

#include "sim/admin_json.hpp"
#include "sim/blob_arena.hpp"
#include "sim/cli_values.hpp"
#include "sim/compact_fields.hpp"
#include "sim/sim_service.hpp"
#include "sim/ticket_store.hpp"

using namespace usms;
using namespace usms::sim;

TEST_CASE("durations and listen addresses", "[sim][unit]") {
  using std::chrono::microseconds;
  CHECK(parse_duration("5ms") == microseconds(5000));
  CHECK(parse_duration("1.5s") == microseconds(1500000));
  CHECK(parse_duration("250us") == microseconds(250));
  CHECK(parse_duration("2m") == microseconds(120000000));
  CHECK(parse_duration("40") == microseconds(40000));
  CHECK_FALSE(parse_duration("fast"));
  CHECK_FALSE(parse_duration("5 ms"));
  CHECK_FALSE(parse_duration("-5ms"));
  auto hp = parse_host_port("127.0.0.1:0");
  REQUIRE(hp);
  CHECK(hp->host == "127.0.0.1");
  CHECK(hp->port == 0);
  auto v6 = parse_host_port("[::1]:8081");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8081);
  CHECK_FALSE(parse_host_port("localhost"));
  CHECK_FALSE(parse_host_port("localhost:99999"));
  CHECK_FALSE(parse_host_port("::1:80"));
}

TEST_CASE("packed fields keep every value", "[sim][unit]") {
  ticket_fields in{{"Summary", "a summary longer than sixteen bytes"},
                   {"Priority", "3"},
                   {"Description", ""},
                   {"NotAField", "dropped"}};
  std::string blob;
  pack_fields(in, blob);
  CHECK(find_field(blob, "Summary") == std::string_view(in["Summary"]));
  CHECK(find_field(blob, "Description") == std::string_view(""));
  CHECK_FALSE(find_field(blob, "Assignee"));
  pack_field("Priority", "1", blob);
  pack_field("Assignee", "bob", blob);
  CHECK(find_field(blob, "Priority") == std::string_view("1"));
  ticket_fields out;
  unpack_fields(blob, out);
  CHECK(out.size() == 4);
  CHECK(out["Priority"] == "1");
  CHECK(out["Assignee"] == "bob");
  CHECK(out.count("NotAField") == 0);
}

TEST_CASE("the blob arena keeps what it stores", "[sim][unit]") {
  blob_arena arena;
  std::vector<std::string_view> views;
  for (int i = 0; i < 20000; ++i)
    views.push_back(arena.store(std::string(300, static_cast<char>('a' + i % 26))));
  auto big = arena.store(std::string(5 * 1024 * 1024, 'z'));
  CHECK(big.size() == 5u * 1024 * 1024);
  CHECK(big.back() == 'z');
  for (int i = 0; i < 20000; ++i) {
    REQUIRE(views[static_cast<std::size_t>(i)].size() == 300);
    REQUIRE(views[static_cast<std::size_t>(i)][299] == static_cast<char>('a' + i % 26));
  }
  CHECK(arena.store("").empty());
}

TEST_CASE("ticket store ids, statuses and queries", "[sim][unit]") {
  ticket_store store;
  CHECK(store.create(ticket_type::incident, {{"Summary", "a"}})
        == "INC0000001");
  CHECK(store.create(ticket_type::change, {{"Summary", "b"}})
        == "CHG0000001");
  CHECK(store.create(ticket_type::problem, {{"Summary", "c"},
                                            {"ExternalReference", "r"}})
        == "PRB0000001");
  CHECK(store.size() == 3);
  CHECK(store.creates_by_external_reference().at("r") == 1);
  auto page = store.query(ticket_type::change, {}, std::nullopt, 10);
  REQUIRE(page.tickets.size() == 1);
  CHECK(page.tickets[0]["Status"] == "Draft");
  auto updated = store.update(ticket_type::incident, "INC0000001",
                              {{"Status", "Closed"}}, "note 1");
  REQUIRE(updated.ok());
  CHECK((*updated)["Status"] == "Closed");
  CHECK(store.work_notes("INC0000001") == std::vector<std::string>{"note 1"});
  auto reopen = store.update(ticket_type::incident, "INC0000001",
                             {{"Status", "New"}}, {});
  REQUIRE_FALSE(reopen.ok());
  CHECK(reopen.error().code == "TRANSITION");
  CHECK(store.query(ticket_type::incident, {{"TicketId", "INC0000001"}},
                    std::nullopt, 5)
          .tickets.at(0)
          .at("TicketId")
        == "INC0000001");
  CHECK(store.update(ticket_type::incident, "INC1", {}, {}).error().code
        == "NOT_FOUND");
  CHECK(store.update(ticket_type::change, "INC0000001", {}, {}).error().code
        == "NOT_FOUND");
  store.clear();
  CHECK(store.size() == 0);
  CHECK(store.create(ticket_type::incident, {{"Summary", "d"}})
        == "INC0000002");
}

TEST_CASE("WSDL address rewriting and SOAPAction matching", "[sim][unit]") {
  std::string wsdl = "<x><soap:address location=\"http://old/usms\"/>"
                     "<soap12:address location='http://old2'/></x>";
  auto out = rewrite_wsdl_address(wsdl, "http://127.0.0.1:5/usms");
  CHECK(out == "<x><soap:address location=\"http://127.0.0.1:5/usms\"/>"
               "<soap12:address location='http://127.0.0.1:5/usms'/></x>");
  CHECK(soap_action_matches("CreateTicket", "CreateTicket"));
  CHECK(soap_action_matches("urn:usms:ticket:v2/CreateTicket", "CreateTicket"));
  CHECK(soap_action_matches("urn:usms:ticket:v2#CreateTicket", "CreateTicket"));
  CHECK_FALSE(soap_action_matches("XCreateTicket", "CreateTicket"));
  CHECK_FALSE(soap_action_matches("QueryTickets", "CreateTicket"));
}

TEST_CASE("the admin API reads JSON with the project's limits",
          "[sim][unit]") {
  auto twice = apply_faults_json(R"({"down": true, "down": false})", {});
  REQUIRE_FALSE(twice);
  CHECK(twice.error().code == "bad_request");
  CHECK(twice.error().message.find("\"down\" twice") != std::string::npos);
  auto deep = apply_faults_json(std::string(100000, '['), {});
  REQUIRE_FALSE(deep);
  CHECK(deep.error().message.find("deeper than 64") != std::string::npos);
  CHECK(apply_faults_json(R"({"down": true})", {})->down);
}
