// The contract files against the codec: xmllint validates every envelope
// the codec writes against the XSD, the WSDL's inline schema matches the
// XSD, the embedded copies match the files, and zeep (a SOAP client nobody
// here wrote, as USMS's other clients are) loads the WSDL and talks to the
// codec both ways.

#include "contract/contract_files.hpp"
#include "contract/soap_codec.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

#include "test_support.hpp"

using namespace usms;
using namespace usms::soap;

namespace {

std::string contract_file(const std::string& name) {
  return std::string{USMS_SOURCE_DIR} + "/contract/" + name;
}

// The <xsd:schema> element's text with whitespace runs collapsed and
// whitespace between tags dropped.
std::string normalized_schema(const std::string& text) {
  auto begin = text.find("<xsd:schema");
  auto end = text.find("</xsd:schema>");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  std::string out;
  bool space = false;
  for (auto i = begin; i < end + 13; ++i) {
    char c = text[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty() && out.back() != '>' && c != '<')
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// A SOAP 1.1 envelope schema that validates the Body's content strictly
// against the contract XSD (and the UsernameToken's shape in the Header).
std::string wrapper_schema(int v, const std::string& wsse_xsd) {
  return R"(<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  targetNamespace="http://schemas.xmlsoap.org/soap/envelope/"
  elementFormDefault="qualified">
  <xsd:import namespace="urn:usms:ticket:v)"
         + std::to_string(v) + R"(" schemaLocation=")"
         + contract_file("usms-v" + std::to_string(v) + ".xsd") + R"("/>
  <xsd:import namespace="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" schemaLocation=")"
         + wsse_xsd + R"("/>
  <xsd:element name="Envelope"><xsd:complexType><xsd:sequence>
    <xsd:element name="Header" minOccurs="0"><xsd:complexType><xsd:sequence>
      <xsd:any namespace="##other" processContents="strict" minOccurs="0"
               maxOccurs="unbounded"/>
    </xsd:sequence></xsd:complexType></xsd:element>
    <xsd:element name="Body"><xsd:complexType><xsd:sequence>
      <xsd:any namespace="##any" processContents="strict"/>
    </xsd:sequence></xsd:complexType></xsd:element>
  </xsd:sequence></xsd:complexType></xsd:element>
  <xsd:element name="Fault"><xsd:complexType><xsd:sequence>
    <xsd:element name="faultcode" form="unqualified" type="xsd:QName"/>
    <xsd:element name="faultstring" form="unqualified" type="xsd:string"/>
    <xsd:element name="detail" form="unqualified" minOccurs="0">
      <xsd:complexType><xsd:sequence>
        <xsd:any namespace="##other" processContents="strict"/>
      </xsd:sequence></xsd:complexType>
    </xsd:element>
  </xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>
)";
}

constexpr auto wsse_schema = R"(<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
  targetNamespace="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
  elementFormDefault="qualified">
  <xsd:element name="Security"><xsd:complexType><xsd:sequence>
    <xsd:element name="UsernameToken"><xsd:complexType><xsd:sequence>
      <xsd:element name="Username" type="xsd:string"/>
      <xsd:element name="Password" minOccurs="0"><xsd:complexType>
        <xsd:simpleContent><xsd:extension base="xsd:string">
          <xsd:attribute name="Type" use="required" type="xsd:string"
            fixed="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"/>
        </xsd:extension></xsd:simpleContent>
      </xsd:complexType></xsd:element>
    </xsd:sequence></xsd:complexType></xsd:element>
  </xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>
)";

// Validates envelopes with xmllint, one run per API version for all the
// envelopes added (compiling the schema is most of xmllint's time).
class validator {
public:
  validator() {
    // These are the contract's own checks: they never skip.
    std::string out;
    if (test::run("xmllint --version", out) != 0)
      FAIL("xmllint is not installed (Debian package libxml2-utils, which "
           "scripts/setup installs); the XSD checks need it: "
           << out);
    dir_ = test::make_temp_dir();
    test::write_file(dir_ + "/wsse.xsd", wsse_schema);
    for (int v : {1, 2})
      test::write_file(dir_ + "/envelope-v" + std::to_string(v) + ".xsd",
                       wrapper_schema(v, dir_ + "/wsse.xsd"));
  }
  ~validator() { std::filesystem::remove_all(dir_); }

  /// Queues `envelope` for validation against API version `v`'s schema.
  void add(int v, const std::string& label, const std::string& envelope) {
    auto file = dir_ + "/doc" + std::to_string(docs_.size()) + ".xml";
    test::write_file(file, envelope);
    docs_.push_back({v, label, file});
  }

  /// Runs xmllint; returns "label: xmllint output" for each envelope it
  /// did not accept.
  std::vector<std::string> failures() {
    std::vector<std::string> out;
    for (int v : {1, 2}) {
      std::string files;
      for (auto& d : docs_)
        if (d.version == v)
          files += " " + d.file;
      if (files.empty())
        continue;
      std::string output;
      test::run("xmllint --noout --nonet --schema " + dir_ + "/envelope-v"
                  + std::to_string(v) + ".xsd" + files,
                output);
      for (auto& d : docs_)
        if (d.version == v
            && output.find(d.file + " validates") == std::string::npos)
          out.push_back(d.label + ": " + output);
    }
    docs_.clear();
    return out;
  }

  /// Empty when xmllint accepts `envelope` alone, else its output.
  std::string errors(int v, const std::string& envelope) {
    add(v, "envelope", envelope);
    auto f = failures();
    return f.empty() ? std::string{} : f.front();
  }

private:
  struct doc {
    int version;
    std::string label;
    std::string file;
  };
  std::string dir_;
  std::vector<doc> docs_;
};

} // namespace

TEST_CASE("each WSDL's inline schema is the standalone XSD") {
  for (int v : {1, 2}) {
    INFO("v" << v);
    auto wsdl = test::read_file(contract_file("usms-v" + std::to_string(v)
                                              + ".wsdl"));
    auto xsd = test::read_file(contract_file("usms-v" + std::to_string(v)
                                             + ".xsd"));
    CHECK(normalized_schema(wsdl) == normalized_schema(xsd));
    CHECK(std::string{contract_files::wsdl(v)} == wsdl);
    CHECK(std::string{contract_files::xsd(v)} == xsd);
    CHECK(wsdl.find("targetNamespace=\"urn:usms:ticket:v" + std::to_string(v)
                    + "\"")
          != std::string::npos);
  }
  // v1 offers only CreateIncident.
  auto v1 = std::string{contract_files::wsdl(1)};
  CHECK(v1.find("CreateIncident") != std::string::npos);
  CHECK(v1.find("CreateTicket") == std::string::npos);
  CHECK(v1.find("QueryTickets") == std::string::npos);
}

TEST_CASE("the XSD accepts every envelope the codec writes") {
  validator val;
  int n = 0;
  for (auto& c : test::all_calls()) {
    std::string label = std::string{operation_name(c.op)} + " v"
                        + std::to_string(c.api_version) + " "
                        + std::string{to_string(c.type)};
    for (auto& creds : {credentials{}, credentials{"u", ""},
                        credentials{"u<", "p&"}}) {
      auto req = build_request(c, creds);
      REQUIRE(req.ok());
      val.add(c.api_version, label + " request " + std::to_string(n++), *req);
    }
    val.add(c.api_version, label + " response",
            build_response(c, test::sample_answer(c)));
  }
  call empty_query;
  empty_query.op = operation::query_tickets;
  auto req = build_request(empty_query, {});
  REQUIRE(req.ok());
  val.add(2, "empty query", *req);
  val.add(2, "empty query response", build_response(empty_query, answer{}));
  call empty_update;
  empty_update.op = operation::update_ticket;
  empty_update.ticket_id = "X";
  req = build_request(empty_update, {});
  REQUIRE(req.ok());
  val.add(2, "empty update", *req);
  for (int v : {1, 2})
    for (auto code : {"VALIDATION", "NOT_FOUND", "TRANSITION", "AUTH",
                      "UNSUPPORTED", "UNAVAILABLE"}) {
      fault f{std::string{code} == "UNAVAILABLE", "why <&>", code, "what"};
      val.add(v, std::string{"fault "} + code, build_fault(v, f));
    }
  CHECK(val.failures() == std::vector<std::string>{});
}

TEST_CASE("the schema check is real: it rejects envelopes off the contract") {
  validator val;
  call c;
  c.op = operation::create_ticket;
  c.type = ticket_type::change;
  c.fields = {{"Summary", "s"}, {"Priority", "3"}};
  auto good = build_request(c, {});
  REQUIRE(good.ok());
  REQUIRE(val.errors(2, *good) == "");
  auto replace = [&](std::string from, std::string to) {
    auto s = *good;
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  CHECK(val.errors(2, replace(">3<", ">7<")) != "");
  CHECK(val.errors(2, replace("urn:usms:ticket:v2", "urn:usms:ticket:v1"))
        != "");
  // Summary is optional in Ticket (the service requires it on create).
  CHECK(val.errors(2, replace("<usms:Summary>s</usms:Summary>", "")) == "");
  // Out of sequence order.
  CHECK(val.errors(2, replace("<usms:Summary>s</usms:Summary><usms:Priority>"
                              "3</usms:Priority>",
                              "<usms:Priority>3</usms:Priority><usms:Summary>"
                              "s</usms:Summary>"))
        != "");
  CHECK(val.errors(1, *good) != ""); // v2 operation against the v1 schema
}

TEST_CASE("zeep loads the WSDL and talks to the codec") {
  if (!test::tool_installed("/usr/bin/python3 -c 'import zeep'",
                            "python3-zeep"))
    return;
  std::string out;
  auto dir = test::make_temp_dir();
  // Our answers and a fault for zeep to read.
  call create;
  create.op = operation::create_ticket;
  answer created;
  created.ticket_id = "INC-1 <&>";
  test::write_file(dir + "/create.xml", build_response(create, created));
  call query;
  query.op = operation::query_tickets;
  query.type = ticket_type::change;
  auto queried = test::sample_answer(query);
  test::write_file(dir + "/query.xml", build_response(query, queried));
  test::write_file(dir + "/fault.xml",
                   build_fault(2, {false, "bad", "VALIDATION",
                                   "Summary is required"}));
  auto script = R"PY(
import sys, zeep
from lxml import etree
from zeep.wsse.username import UsernameToken
d, src = sys.argv[1], sys.argv[2]
for v in (1, 2):
    zeep.Client(f"{src}/contract/usms-v{v}.wsdl")
c = zeep.Client(f"{src}/contract/usms-v2.wsdl", wsse=UsernameToken("zed", "pw"))
def save(name, op, **kw):
    node = c.create_message(c.service, op, **kw)
    open(f"{d}/{name}", "wb").write(etree.tostring(node))
save("req-create.xml", "CreateTicket", TicketType="Change",
     Ticket={"Summary": "St\u00f6rung <&>", "Priority": 2,
             "ChangeType": "Normal", "PlannedStart": "2026-11-27T10:00:00Z"})
save("req-update.xml", "UpdateTicket", TicketType="Problem", TicketId="P-1",
     Ticket={"KnownError": True}, WorkNote="n")
save("req-query.xml", "QueryTickets", TicketType="Incident",
     Filter={"Status": "New"}, MaxResults=5)
save("req-incident.xml", "CreateIncident", Summary="s", Priority=5)
ops = c.service._binding._operations
def load(name):
    return etree.fromstring(open(f"{d}/{name}", "rb").read())
r = ops["CreateTicket"].process_reply(load("create.xml"))
assert r == "INC-1 <&>", r
r = ops["QueryTickets"].process_reply(load("query.xml"))
assert r["TotalCount"] == 1234, r
assert len(r["Ticket"]) == 2 and r["Ticket"][0]["ChangeType"] == "Emergency", r
assert r["Ticket"][1]["Summary"] == "x" * 1000
try:
    c.service._binding.process_error(load("fault.xml"), ops["CreateTicket"])
    raise SystemExit("no fault")
except zeep.exceptions.Fault as f:
    assert f.message == "bad", f.message
    code = f.detail.find(".//{urn:usms:ticket:v2}ErrorCode").text
    assert code == "VALIDATION", code
print("zeep ok")
)PY";
  test::write_file(dir + "/interop.py", script);
  int rc = test::run("/usr/bin/python3 " + dir + "/interop.py " + dir + " "
                       + USMS_SOURCE_DIR,
                     out);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(out.find("zeep ok") != std::string::npos);

  auto create_req = parse_request(test::read_file(dir + "/req-create.xml"), 2);
  REQUIRE(create_req.ok());
  CHECK(create_req->request.op == operation::create_ticket);
  CHECK(create_req->request.type == ticket_type::change);
  CHECK(create_req->request.fields
        == ticket_fields{{"Summary", "St\xC3\xB6rung <&>"},
                         {"Priority", "2"},
                         {"ChangeType", "Normal"},
                         {"PlannedStart", "2026-11-27T10:00:00Z"}});
  REQUIRE(create_req->creds);
  CHECK(create_req->creds->username == "zed");
  CHECK(create_req->creds->password == "pw");

  auto update_req = parse_request(test::read_file(dir + "/req-update.xml"), 2);
  REQUIRE(update_req.ok());
  CHECK(update_req->request.ticket_id == "P-1");
  CHECK(update_req->request.fields == ticket_fields{{"KnownError", "true"}});
  CHECK(update_req->request.work_note == "n");

  auto query_req = parse_request(test::read_file(dir + "/req-query.xml"), 2);
  REQUIRE(query_req.ok());
  CHECK(query_req->request.max_results == 5);
  CHECK(query_req->request.filter == ticket_fields{{"Status", "New"}});

  auto incident_req
    = parse_request(test::read_file(dir + "/req-incident.xml"), 2);
  REQUIRE(incident_req.ok());
  CHECK(incident_req->request.op == operation::create_incident);
  CHECK(incident_req->request.fields
        == ticket_fields{{"Summary", "s"}, {"Priority", "5"}});
  std::filesystem::remove_all(dir);
}
