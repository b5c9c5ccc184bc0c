// parse_response on answers that are not what the contract promises: each
// must become a clear failure, never a crash (run under ASan+UBSan too).

#include "contract/soap_codec.hpp"
#include "contract/ticket_fields.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace usms;
using namespace usms::soap;

namespace {

constexpr auto env_ns = "http://schemas.xmlsoap.org/soap/envelope/";

std::string wrap(std::string_view body) {
  return "<soapenv:Envelope xmlns:soapenv=\"" + std::string{env_ns}
         + "\"><soapenv:Body>" + std::string{body}
         + "</soapenv:Body></soapenv:Envelope>";
}

failure rejected(std::string_view body, const parse_limits& limits = {},
                 action a = action::create) {
  auto r = parse_response(test::builtin(2), a, ticket_type::incident, body,
                          limits);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("other prefixes and default namespaces are accepted") {
  auto s_prefix
    = "<S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\">"
      "<S:Header/><S:Body><ns2:CreateTicketResponse xmlns:ns2=\"urn:usms:"
      "ticket:v2\"><ns2:TicketId>CHG-7</ns2:TicketId></ns2:"
      "CreateTicketResponse></S:Body></S:Envelope>";
  auto r = parse_response(test::builtin(2), action::create, ticket_type::incident, s_prefix);
  REQUIRE(r.ok());
  CHECK(r->ok.ticket_id == "CHG-7");

  auto default_ns
    = "<?xml version='1.0' encoding='UTF-8'?><Envelope xmlns=\"http://schemas"
      ".xmlsoap.org/soap/envelope/\"><Body><QueryTicketsResponse xmlns=\"urn:"
      "usms:ticket:v2\"><TotalCount>3</TotalCount><Ticket><TicketId>P1"
      "</TicketId><KnownError>false</KnownError><FutureField>x</FutureField>"
      "</Ticket><Ticket/></QueryTicketsResponse></Body></Envelope>";
  r = parse_response(test::builtin(2), action::query, ticket_type::incident, default_ns);
  REQUIRE(r.ok());
  CHECK(r->ok.total_count == 3);
  REQUIRE(r->ok.tickets.size() == 2);
  CHECK(r->ok.tickets[0]
        == ticket_fields{{"TicketId", "P1"}, {"KnownError", "false"}});
  CHECK(r->ok.tickets[1].empty());
}

TEST_CASE("faults: codes, subcodes and prefixes") {
  auto fault_with = [](std::string_view code, std::string_view decl = {}) {
    return "<e:Envelope xmlns:e=\"" + std::string{env_ns} + "\""
           + std::string{decl} + "><e:Body><e:Fault><faultcode>"
           + std::string{code}
           + "</faultcode><faultstring>Busy</faultstring><detail><d:FaultDetail"
             " xmlns:d=\"urn:usms:ticket:v2\"><d:ErrorCode>UNAVAILABLE</d:"
             "ErrorCode><d:ErrorMessage>backend down</d:ErrorMessage></d:"
             "FaultDetail></detail></e:Fault></e:Body></e:Envelope>";
  };
  for (auto [code, server] :
       std::vector<std::pair<std::string, bool>>{{"e:Server", true},
                                                 {"e:Client", false},
                                                 {" e:Server.Busy ", true},
                                                 {"e:Client.Auth", false}}) {
    INFO(code);
    auto r = parse_response(test::builtin(2), action::update, ticket_type::incident, fault_with(code));
    REQUIRE(r.ok());
    REQUIRE(r->fault_info);
    CHECK(r->fault_info->server == server);
    CHECK(r->fault_info->faultstring == "Busy");
    CHECK(r->fault_info->error_code == "UNAVAILABLE");
    CHECK(r->fault_info->error_message == "backend down");
  }
  // ErrorCode directly under detail, and in another version's namespace
  // (ignored: the contract namespace is what counts).
  auto bare = wrap("<soapenv:Fault><faultcode>soapenv:Client</faultcode>"
                     "<faultstring>x</faultstring><detail><ErrorCode xmlns=\""
                     "urn:usms:ticket:v2\">NOT_FOUND</ErrorCode><v1:"
                     "ErrorMessage xmlns:v1=\"urn:usms:ticket:v1\">m</v1:"
                     "ErrorMessage></detail></soapenv:Fault>");
  auto r = parse_response(test::builtin(2), action::update, ticket_type::incident, bare);
  REQUIRE(r.ok());
  REQUIRE(r->fault_info);
  CHECK_FALSE(r->fault_info->server);
  CHECK(r->fault_info->error_code == "NOT_FOUND");
  CHECK(r->fault_info->error_message.empty());
}

TEST_CASE("an empty body or an HTML page is a clear failure") {
  CHECK(rejected("").message == "USMS answered with an empty body");
  CHECK(rejected(" \r\n\t").code == "empty_body");
  auto page = "<!DOCTYPE html>\n<html><head><title>502 Bad\n  Gateway</title>"
              "</head><body><h1>Bad Gateway</h1></body></html>";
  auto e = rejected(page);
  CHECK(e.message == "USMS answered with an HTML page, not SOAP: 502 Bad "
                     "Gateway");
  CHECK(e.code == "html");
  CHECK(rejected("<HTML><BODY>oops</BODY></HTML>").message
        == "USMS answered with an HTML page, not SOAP (no title)");
}

TEST_CASE("text that is not XML is a clear failure") {
  auto e = rejected("Service Unavailable\n");
  CHECK(e.message == "USMS answer is not XML: \"Service Unavailable\"");
  CHECK(e.code == "not_xml");
  CHECK(rejected("{\"error\": \"json\"}").code == "not_xml");
  CHECK(rejected("<a>x</b>").message
        == "USMS answer is not well-formed XML: invalid closing tag name at "
           "byte 7");
  CHECK(contains(rejected(wrap("<a><b></a></b>")).message,
                 "not well-formed XML"));
}

TEST_CASE("truncated XML is a clear failure") {
  auto full = wrap("<u:CreateTicketResponse xmlns:u=\"urn:usms:ticket:v2\">"
                     "<u:TicketId>X</u:TicketId></u:CreateTicketResponse>");
  REQUIRE(parse_response(test::builtin(2), action::create, ticket_type::incident, full).ok());
  for (std::size_t cut : {full.size() - 1, full.size() - 20, full.size() / 2,
                          std::size_t{5}, std::size_t{30}}) {
    auto e = rejected(full.substr(0, cut));
    INFO(cut << ": " << e.message);
    CHECK(e.message.find("USMS answer is truncated XML: it ends") == 0);
  }
}

TEST_CASE("deep nesting is refused before RapidXML recurses") {
  std::string deep;
  const int levels = 100000;
  deep.reserve(levels * 7);
  for (int i = 0; i < levels; ++i)
    deep += "<a>";
  for (int i = 0; i < levels; ++i)
    deep += "</a>";
  auto e = rejected(deep);
  CHECK(e.message
        == "USMS answer refused: elements nested deeper than 64 levels");
  CHECK(e.code == "hostile");
  // Inside a valid envelope too, and with self-closing leaves in between.
  std::string inner;
  for (int i = 0; i < 70; ++i)
    inner += "<x/><u:b xmlns:u=\"urn:usms:ticket:v2\">";
  for (int i = 0; i < 70; ++i)
    inner += "</u:b>";
  CHECK(contains(rejected(wrap(inner)).message, "deeper than 64 levels"));
  parse_limits strict;
  strict.max_depth = 3;
  CHECK(contains(rejected(wrap("<a><b></b></a>"), strict).message,
                 "deeper than 3 levels"));
}

TEST_CASE("wide documents are refused before RapidXML allocates nodes") {
  // 3 million empty elements in 12 MB would cost RapidXML ~300 MB.
  std::string wide = "<r>";
  wide.reserve(12u * 1024 * 1024 + 16);
  while (wide.size() < 12u * 1024 * 1024)
    wide += "<a/>";
  wide += "</r>";
  auto e = rejected(wide);
  CHECK(e.message == "USMS answer refused: more than 250000 elements and "
                     "attributes");
  CHECK(e.code == "hostile");
  std::string attrs = "<r";
  for (int i = 0; i < 300000; ++i)
    attrs += " a" + std::to_string(i) + "=''";
  attrs += "/>";
  CHECK(rejected(attrs).code == "hostile");
  parse_limits few;
  few.max_nodes = 5;
  CHECK(contains(rejected(wrap("<a/><b/><c/><d/>"), few).message,
                 "more than 5 elements"));
}

TEST_CASE("DOCTYPE, entities and processing instructions are refused") {
  auto laughs
    = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY "
      "lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY "
      "lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
      "<lolz>&lol3;</lolz>";
  auto e = rejected(laughs);
  CHECK(e.message == "USMS answer refused: it holds a DOCTYPE or ENTITY "
                     "declaration, which SOAP does not allow");
  CHECK(e.code == "hostile");
  CHECK(rejected("<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x>&xxe;</x>")
          .code
        == "hostile");
  CHECK(contains(rejected(wrap("<!ENTITY x 'y'>")).message, "DOCTYPE"));
  auto pi = wrap("<?php echo 1; ?>");
  CHECK(rejected(pi).message == "USMS answer refused: it holds a processing "
                                "instruction, which SOAP does not allow");
  CHECK(contains(rejected("<?xml-stylesheet href='a'?>" + wrap("")).message,
                 "processing instruction"));
  // A second XML declaration is a processing instruction too.
  CHECK(contains(rejected("<?xml version='1.0'?><?xml version='1.0'?>"
                          + wrap(""))
                   .message,
                 "processing instruction"));
  // Unknown entity references stay text; they expand to nothing.
  auto r = parse_response(test::builtin(2), action::create, ticket_type::incident,
    wrap("<u:CreateTicketResponse xmlns:u=\"urn:usms:ticket:v2\"><u:"
           "TicketId>A&lol;&#65;&lt;</u:TicketId></u:CreateTicketResponse>"));
  REQUIRE(r.ok());
  CHECK(r->ok.ticket_id == "A&lol;A<");
}

TEST_CASE("oversized bodies and NUL bytes are refused") {
  std::string huge = "<e:Envelope xmlns:e=\"" + std::string{env_ns}
                     + "\"><e:Body><u:CreateTicketResponse xmlns:u=\"urn:"
                       "usms:ticket:v2\"><u:TicketId>";
  huge.append(50u * 1024 * 1024, 'x');
  huge += "</u:TicketId></u:CreateTicketResponse></e:Body></e:Envelope>";
  auto e = rejected(huge);
  CHECK(e.message.find("USMS answer refused: body of 524") == 0);
  CHECK(contains(e.message, "bytes exceeds the limit of 16777216 bytes"));
  CHECK(e.code == "too_large");
  // Big but within the limit: parses, in linear time.
  huge.erase(huge.find("xxx") + 8 * 1024 * 1024,
             42u * 1024 * 1024);
  auto r = parse_response(test::builtin(2), action::create, ticket_type::incident, huge);
  REQUIRE(r.ok());
  CHECK(r->ok.ticket_id == std::string(8u * 1024 * 1024, 'x'));

  std::string nul = wrap("<u:CreateTicketResponse xmlns:u=\"urn:usms:"
                           "ticket:v2\"><u:TicketId>A");
  nul += '\0';
  nul += "B</u:TicketId></u:CreateTicketResponse>";
  e = rejected(nul);
  CHECK(e.message.find("USMS answer refused: NUL byte at byte ") == 0);
  CHECK(rejected(std::string(3, '\0')).code == "hostile");
  // A character reference to a control character is not XML 1.0 either.
  e = rejected(wrap("<u:UpdateTicketResponse xmlns:u=\"urn:usms:ticket:v2\">"
                      "<u:Ticket><u:Summary>&#1;</u:Summary></u:Ticket>"
                      "</u:UpdateTicketResponse>"),
               {}, action::update);
  CHECK(e.message == "USMS answer has a Ticket whose Summary holds control "
                     "character U+0001 at byte 0, which XML 1.0 does not "
                     "allow");
}

TEST_CASE("wrong namespaces and missing elements are named") {
  auto v1_answer = wrap("<u:CreateTicketResponse xmlns:u=\"urn:usms:ticket:"
                          "v1\"><u:TicketId>X</u:TicketId></u:"
                          "CreateTicketResponse>");
  auto e = rejected(v1_answer);
  CHECK(e.message == "USMS answer has CreateTicketResponse in namespace "
                     "'urn:usms:ticket:v1', expected 'urn:usms:ticket:v2'");
  CHECK(e.code == "not_soap");

  auto no_ns = wrap("<CreateTicketResponse><TicketId>X</TicketId>"
                      "</CreateTicketResponse>");
  CHECK(contains(rejected(no_ns).message, "in namespace ''"));

  auto unbound = wrap("<q:CreateTicketResponse><q:TicketId>X</q:TicketId>"
                        "</q:CreateTicketResponse>");
  CHECK(contains(rejected(unbound).message, "(unbound prefix)"));

  auto child_wrong_ns = wrap(
    "<u:CreateTicketResponse xmlns:u=\"urn:usms:ticket:v2\"><TicketId>X"
    "</TicketId></u:CreateTicketResponse>");
  CHECK(rejected(child_wrong_ns).message
        == "USMS answer CreateTicketResponse has no TicketId");

  auto other_op = wrap("<u:UpdateTicketResponse xmlns:u=\"urn:usms:ticket:"
                         "v2\"/>");
  CHECK(rejected(other_op).message
        == "USMS answer has {urn:usms:ticket:v2}UpdateTicketResponse where "
           "CreateTicketResponse was expected");
  CHECK(rejected(wrap("<u:QueryTicketsResponse xmlns:u=\"urn:usms:ticket:"
                        "v2\"><u:TotalCount>many</u:TotalCount></u:"
                        "QueryTicketsResponse>"),
                 {}, action::query)
          .message
        == "USMS answer QueryTicketsResponse has a TotalCount that is not a "
           "count");
  CHECK(rejected(wrap("<u:UpdateTicketResponse xmlns:u=\"urn:usms:ticket:"
                        "v2\"/>"),
                 {}, action::update)
          .message
        == "USMS answer UpdateTicketResponse has no Ticket");

  auto soap12
    = "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\">"
      "<env:Body/></env:Envelope>";
  CHECK(contains(rejected(soap12).message, "SOAP 1.2 envelope"));
  CHECK(rejected("<Envelope><Body/></Envelope>").message
        == "USMS answer is not a SOAP 1.1 envelope: its root element is "
           "Envelope");
  CHECK(rejected("<e:Envelope xmlns:e=\"" + std::string{env_ns}
                 + "\"><e:Header/></e:Envelope>")
          .message
        == "USMS answer has no SOAP Body");
  CHECK(rejected(wrap("")).message == "USMS answer has an empty SOAP Body");
  CHECK(rejected(wrap("<a/>") + "<b/>").message
        == "USMS answer is not well-formed XML: a second root element");
  CHECK(rejected(wrap("<a/>") + "junk").message
        == "USMS answer is not well-formed XML: text after the root element");

  auto v1_only = parse_response(test::builtin(1), action::query, ticket_type::incident, wrap(""));
  REQUIRE_FALSE(v1_only.ok());
  CHECK(v1_only.error().message
        == "query incident is not offered by USMS API v1 (it offers create "
           "incident)");
}

namespace {

// A QueryTickets answer with escaped text, two tickets and a count.
std::string valid_query_answer() {
  auto& v2 = test::builtin(2);
  call c;
  c.act = action::query;
  answer a;
  a.total_count = 2;
  a.tickets = {{{"TicketId", "A"}, {"Summary", "<x> & y"}},
               {{"TicketId", "B"}, {"Priority", "2"}}};
  return build_response(v2, *v2.sent(c.act, c.type), c, a);
}

// The codes parse_response documents for an answer that is not one.
bool documented_code(const std::string& code) {
  for (auto c : {"empty_body", "html", "not_xml", "too_large", "hostile",
                 "malformed", "not_soap"})
    if (code == c)
      return true;
  return false;
}

} // namespace

TEST_CASE("every cut of a valid answer is refused, as truncated once past "
          "the XML declaration") {
  auto good = valid_query_answer();
  auto declaration_end = good.find("?>") + 2;
  REQUIRE(parse_response(test::builtin(2), action::query, ticket_type::incident, good).ok());
  for (std::size_t cut = 1; cut < good.size(); ++cut) {
    auto r = parse_response(test::builtin(2), action::query, ticket_type::incident, good.substr(0, cut));
    INFO("cut at " << cut << ": " << good.substr(0, cut));
    REQUIRE_FALSE(r.ok());
    CHECK(documented_code(r.error().code));
    if (cut > declaration_end) {
      CHECK(r.error().code == "malformed");
      CHECK(r.error().message.find("USMS answer is truncated XML: it ends")
            == 0);
    }
  }
}

TEST_CASE("random mutations of a valid answer: refused with a reason, or "
          "read into an answer the codec could have sent") {
  auto good = valid_query_answer();
  auto& v2 = test::builtin(2);
  call c;
  c.act = action::query;
  uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  int accepted = 0;
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    auto s = good;
    for (int k = 0, n = 1 + next() % 4; k < n; ++k) {
      auto pos = next() % s.size();
      switch (next() % 3) {
        case 0:
          s[pos] = "<>/&\"'=:!?[]x\0"[next() % 14];
          break;
        case 1:
          s.erase(pos, 1 + next() % 8);
          break;
        default:
          s.insert(pos, s.substr(next() % s.size(), 1 + next() % 16));
      }
      if (s.empty())
        s = "<";
    }
    INFO("mutant " << i << ": " << s);
    auto r = parse_response(test::builtin(2), action::query, ticket_type::incident, s);
    if (!r.ok()) {
      ++refused;
      // A refusal names its subject and carries a code callers branch on.
      CHECK(r.error().message.find("USMS answer") == 0);
      CHECK(documented_code(r.error().code));
      // NUL bytes are refused before anything else reads the body.
      if (s.find('\0') != std::string::npos)
        CHECK(r.error().code == "hostile");
      continue;
    }
    ++accepted;
    CHECK(s.find('\0') == std::string::npos);
    // The original holds no fault, and no mutation can make one.
    CHECK_FALSE(r->fault_info);
    // What was accepted is an answer the codec can write and read back
    // unchanged: known fields only, XML 1.0 text only, a real count.
    auto again = parse_response(test::builtin(2), action::query, ticket_type::incident,
                                build_response(v2, *v2.sent(c.act, c.type),
                                               c, r->ok));
    REQUIRE(again.ok());
    CHECK(again->ok.total_count == r->ok.total_count);
    CHECK(again->ok.tickets == r->ok.tickets);
    for (auto& t : r->ok.tickets)
      for (auto& [name, value] : t) {
        CHECK(field_by_soap_name(name) != nullptr);
        CHECK(check_xml_text(value).empty());
      }
  }
  // Both outcomes occur, so neither branch's checks are vacuous.
  CHECK(accepted > 0);
  CHECK(refused > 0);
}

TEST_CASE("hostile and broken answers are refused on every contract") {
  for (auto k : test::all_contracts())
    for (auto& c : test::all_calls(*k)) {
      INFO(test::describe(*k, c));
      auto op = k->sent(c.act, c.type);
      auto good = build_response(*k, *op, c, test::sample_answer(*k, c));
      auto refused = [&](const std::string& body, std::string_view code,
                         const parse_limits& limits = {}) {
        auto r = parse_response(*k, c.act, c.type, body, limits);
        INFO(body.substr(0, 300));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == code);
        CHECK(r.error().message.find("USMS answer") == 0);
      };
      REQUIRE(parse_response(*k, c.act, c.type, good).ok());
      refused("", "empty_body");
      refused("<html><title>502</title></html>", "html");
      refused("Service Unavailable", "not_xml");
      for (auto cut : {good.size() / 3, good.size() / 2, good.size() - 1})
        refused(good.substr(0, cut), "malformed");
      refused("<!DOCTYPE x [<!ENTITY a 'b'>]>" + good.substr(good.find("?>") + 2),
              "hostile");
      std::string deep;
      for (int i = 0; i < 70; ++i)
        deep += "<a>";
      for (int i = 0; i < 70; ++i)
        deep += "</a>";
      refused(wrap(deep), "hostile");
      parse_limits small;
      small.max_bytes = good.size() - 1;
      refused(good, "too_large", small);
      // The answer of another operation, and the right one in another
      // namespace.
      auto replaced = [&](const std::string& from, const std::string& to) {
        auto s = good;
        for (auto at = s.find(from); at != std::string::npos;
             at = s.find(from, at + to.size()))
          s.replace(at, from.size(), to);
        return s;
      };
      refused(replaced(op->answer.name, "Other"), "not_soap");
      refused(replaced(op->ns, "urn:elsewhere"), "not_soap");
    }
}
