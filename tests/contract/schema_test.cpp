// The contracts against the codec: xmllint validates every envelope the
// codec writes against the schema in the WSDL written from each contract
// file, the shipped WSDL and XSD say what the built-in contract files say,
// and zeep (a SOAP client nobody here wrote, as USMS's other clients are)
// loads the WSDL and talks to the codec both ways.

#include "contract/contract_files.hpp"
#include "contract/soap_codec.hpp"
#include "contract/wsdl_writer.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

#include "test_support.hpp"

using namespace usms;
using namespace usms::soap;

namespace {

std::string contract_file(const std::string& name) {
  return test::contract_path(name);
}

// `text` with whitespace runs collapsed and whitespace between tags
// dropped.
std::string collapsed(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
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

// The <xsd:schema> element's text, collapsed.
std::string normalized_schema(const std::string& text) {
  auto begin = text.find("<xsd:schema");
  auto end = text.find("</xsd:schema>");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  return collapsed(std::string_view{text}.substr(begin, end + 13 - begin));
}

// The xsd:schema elements of a WSDL, each as a document of its own with its
// target namespace.
std::vector<std::pair<std::string, std::string>>
inline_schemas(const std::string& wsdl) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto at = wsdl.find("<xsd:schema"); at != std::string::npos;
       at = wsdl.find("<xsd:schema", at + 1)) {
    auto end = wsdl.find("</xsd:schema>", at);
    REQUIRE(end != std::string::npos);
    auto text = wsdl.substr(at, end + 13 - at);
    auto tns = text.find("targetNamespace=\"") + 17;
    out.emplace_back(text.substr(tns, text.find('"', tns) - tns), text);
  }
  return out;
}

// A SOAP 1.1 envelope schema that validates the Body's content strictly
// against the contract's schemas (and the UsernameToken's shape in the
// Header); `imports` maps each namespace to its schema file.
std::string wrapper_schema(
  const std::vector<std::pair<std::string, std::string>>& imports,
  const std::string& wsse_xsd) {
  std::string out = R"(<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  targetNamespace="http://schemas.xmlsoap.org/soap/envelope/"
  elementFormDefault="qualified">
)";
  for (auto& [ns, file] : imports)
    out += "  <xsd:import namespace=\"" + ns + "\" schemaLocation=\"" + file
           + "\"/>\n";
  out += R"(  <xsd:import namespace="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" schemaLocation=")"
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
        <xsd:any namespace="##other" processContents="strict"
                 maxOccurs="unbounded"/>
      </xsd:sequence></xsd:complexType>
    </xsd:element>
  </xsd:sequence></xsd:complexType></xsd:element>
</xsd:schema>
)";
  return out;
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

// Validates envelopes with xmllint against the schemas inline in a WSDL:
// the WSDL the simulator serves for a contract, or a shipped one. One run
// for all the envelopes added (compiling the schema is most of xmllint's
// time).
class validator {
public:
  explicit validator(const std::string& wsdl) {
    // These are the contract's own checks: they never skip.
    std::string out;
    if (test::run("xmllint --version", out) != 0)
      FAIL("xmllint is not installed (Debian package libxml2-utils, which "
           "scripts/setup installs); the XSD checks need it: "
           << out);
    dir_ = test::make_temp_dir();
    test::write_file(dir_ + "/wsse.xsd", wsse_schema);
    std::vector<std::pair<std::string, std::string>> imports;
    for (auto& [ns, text] : inline_schemas(wsdl)) {
      auto file = dir_ + "/schema" + std::to_string(imports.size()) + ".xsd";
      test::write_file(file, text);
      imports.emplace_back(ns, file);
    }
    test::write_file(dir_ + "/envelope.xsd",
                     wrapper_schema(imports, dir_ + "/wsse.xsd"));
  }
  ~validator() { std::filesystem::remove_all(dir_); }

  /// Queues `envelope` for validation.
  void add(const std::string& label, const std::string& envelope) {
    auto file = dir_ + "/doc" + std::to_string(docs_.size()) + ".xml";
    test::write_file(file, envelope);
    docs_.push_back({label, file});
  }

  /// Runs xmllint; returns "label: xmllint output" for each envelope it
  /// did not accept.
  std::vector<std::string> failures() {
    std::vector<std::string> out;
    std::string files;
    for (auto& d : docs_)
      files += " " + d.file;
    if (files.empty())
      return out;
    std::string output;
    test::run("xmllint --noout --nonet --schema " + dir_ + "/envelope.xsd"
                + files,
              output);
    for (auto& d : docs_)
      if (output.find(d.file + " validates") == std::string::npos)
        out.push_back(d.label + ": " + output);
    docs_.clear();
    return out;
  }

  /// Empty when xmllint accepts `envelope` alone, else its output.
  std::string errors(const std::string& envelope) {
    add("envelope", envelope);
    auto f = failures();
    return f.empty() ? std::string{} : f.front();
  }

private:
  struct doc {
    std::string label;
    std::string file;
  };
  std::string dir_;
  std::vector<doc> docs_;
};

// The text with comments and xsd:annotation elements dropped, collapsed,
// for comparing documents by content.
std::string without_comments(std::string text) {
  for (auto [open, close] : {std::pair<std::string, std::string>{"<!--", "-->"},
                             {"<xsd:annotation>", "</xsd:annotation>"}})
    for (auto at = text.find(open); at != std::string::npos;
         at = text.find(open, at))
      text.erase(at, text.find(close, at) + close.size() - at);
  return collapsed(text);
}

} // namespace

TEST_CASE("each WSDL's inline schema is the standalone XSD, and both are "
          "what the built-in contract file describes") {
  for (int v : {1, 2}) {
    INFO("v" << v);
    auto name = "usms-v" + std::to_string(v);
    auto wsdl = test::read_file(contract_file(name + ".wsdl"));
    auto xsd = test::read_file(contract_file(name + ".xsd"));
    CHECK(normalized_schema(wsdl) == normalized_schema(xsd));
    CHECK(wsdl.find("targetNamespace=\"urn:usms:ticket:v" + std::to_string(v)
                    + "\"")
          != std::string::npos);
    // The shipped files and what the simulator writes from the contract
    // file say the same, apart from comments and documentation.
    auto& k = test::builtin(v);
    CHECK(without_comments(generate_wsdl(k)) == without_comments(wsdl));
    auto schemas = generate_schemas(k);
    REQUIRE(schemas.size() == 1);
    CHECK(without_comments(schemas[0].second) == without_comments(xsd));
    CHECK(std::string{contract_files::builtin_toml(v)}
          == test::read_file(contract_file(name + ".toml")));
  }
  // v1 offers only CreateIncident.
  auto v1 = test::read_file(contract_file("usms-v1.wsdl"));
  CHECK(v1.find("CreateIncident") != std::string::npos);
  CHECK(v1.find("CreateTicket") == std::string::npos);
  CHECK(v1.find("QueryTickets") == std::string::npos);
}

TEST_CASE("the schema accepts every envelope the codec writes, on every "
          "contract") {
  for (auto k : test::all_contracts()) {
    INFO(k->name);
    validator val{generate_wsdl(*k)};
    int n = 0;
    for (auto& c : test::all_calls(*k)) {
      auto label = test::describe(*k, c);
      for (auto& creds : {credentials{}, credentials{"u", ""},
                          credentials{"u<", "p&"}}) {
        auto req = build_request(*k, c, creds);
        REQUIRE(req.ok());
        val.add(label + " request " + std::to_string(n++), *req);
      }
      val.add(label + " response",
              build_response(*k, *k->sent(c.act, c.type), c,
                             test::sample_answer(*k, c)));
    }
    // Operations the gateway does not send answer too (v2's CreateIncident).
    for (auto& op : k->operations) {
      call c;
      c.act = op.act;
      for (auto t : {ticket_type::problem, ticket_type::change,
                     ticket_type::incident})
        if (op.has_type(t))
          c.type = t;
      val.add(op.name + " answer",
              build_response(*k, op, c, test::sample_answer(*k, c)));
      val.add(op.name + " empty answer", build_response(*k, op, c, {}));
    }
    for (auto t :
         {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
      if (k->offers(action::query, t)) {
        call empty_query;
        empty_query.act = action::query;
        empty_query.type = t;
        auto req = build_request(*k, empty_query, {});
        REQUIRE(req.ok());
        val.add("empty query", *req);
      }
      if (k->offers(action::update, t)) {
        call empty_update;
        empty_update.act = action::update;
        empty_update.type = t;
        empty_update.ticket_id = "X";
        auto req = build_request(*k, empty_update, {});
        REQUIRE(req.ok());
        val.add("empty update", *req);
      }
    }
    for (auto code : {"VALIDATION", "NOT_FOUND", "TRANSITION", "AUTH",
                      "UNSUPPORTED", "UNAVAILABLE"}) {
      fault f{std::string{code} == "UNAVAILABLE", "why <&>", code, "what"};
      val.add(std::string{"fault "} + code, build_fault(*k, f));
    }
    CHECK(val.failures() == std::vector<std::string>{});
  }
}

TEST_CASE("the schema check is real: it rejects envelopes off the contract") {
  auto& v2 = test::builtin(2);
  validator val{test::read_file(contract_file("usms-v2.wsdl"))};
  call c;
  c.type = ticket_type::change;
  c.fields = {{"Summary", "s"}, {"Priority", "3"}};
  auto good = build_request(v2, c, {});
  REQUIRE(good.ok());
  REQUIRE(val.errors(*good) == "");
  auto replace = [&](std::string from, std::string to) {
    auto s = *good;
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  CHECK(val.errors(replace(">3<", ">7<")) != "");
  CHECK(val.errors(replace("urn:usms:ticket:v2", "urn:usms:ticket:v1")) != "");
  // Summary is optional in Ticket (the service requires it on create).
  CHECK(val.errors(replace("<usms:Summary>s</usms:Summary>", "")) == "");
  // Out of sequence order.
  CHECK(val.errors(replace("<usms:Summary>s</usms:Summary><usms:Priority>"
                           "3</usms:Priority>",
                           "<usms:Priority>3</usms:Priority><usms:Summary>"
                           "s</usms:Summary>"))
        != "");
  // A v2 operation against the v1 schema.
  validator v1{test::read_file(contract_file("usms-v1.wsdl"))};
  CHECK(v1.errors(*good) != "");
  // An example contract's spellings are checked too: ACME's Severity is
  // P1..P5, not a number.
  auto& acme = test::example("acme-itsm.toml");
  validator a{generate_wsdl(acme)};
  c.type = ticket_type::incident;
  auto env = build_request(acme, c, {});
  REQUIRE(env.ok());
  REQUIRE(a.errors(*env) == "");
  auto at = env->find(">P3<");
  REQUIRE(at != std::string::npos);
  CHECK(a.errors(env->replace(at, 4, ">3<")) != "");
}

TEST_CASE("zeep loads the WSDL and talks to the codec") {
  if (!test::tool_installed("/usr/bin/python3 -c 'import zeep'",
                            "python3-zeep"))
    return;
  std::string out;
  auto dir = test::make_temp_dir();
  // Our answers and a fault for zeep to read.
  auto& v2 = test::builtin(2);
  call create;
  answer created;
  created.ticket_id = "INC-1 <&>";
  test::write_file(dir + "/create.xml",
                   build_response(v2, *v2.sent(create.act, create.type),
                                  create, created));
  call query;
  query.act = action::query;
  query.type = ticket_type::change;
  auto queried = test::sample_answer(v2, query);
  test::write_file(dir + "/query.xml",
                   build_response(v2, *v2.sent(query.act, query.type), query,
                                  queried));
  test::write_file(dir + "/fault.xml",
                   build_fault(v2, {false, "bad", "VALIDATION",
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

  auto create_req = parse_request(v2, test::read_file(dir + "/req-create.xml"));
  REQUIRE(create_req.ok());
  CHECK(create_req->op->name == "CreateTicket");
  CHECK(create_req->request.type == ticket_type::change);
  CHECK(create_req->request.fields
        == ticket_fields{{"Summary", "St\xC3\xB6rung <&>"},
                         {"Priority", "2"},
                         {"ChangeType", "Normal"},
                         {"PlannedStart", "2026-11-27T10:00:00Z"}});
  REQUIRE(create_req->creds);
  CHECK(create_req->creds->username == "zed");
  CHECK(create_req->creds->password == "pw");

  auto update_req = parse_request(v2, test::read_file(dir + "/req-update.xml"));
  REQUIRE(update_req.ok());
  CHECK(update_req->request.ticket_id == "P-1");
  CHECK(update_req->request.fields == ticket_fields{{"KnownError", "true"}});
  CHECK(update_req->request.work_note == "n");

  auto query_req = parse_request(v2, test::read_file(dir + "/req-query.xml"));
  REQUIRE(query_req.ok());
  CHECK(query_req->request.max_results == 5);
  CHECK(query_req->request.filter == ticket_fields{{"Status", "New"}});

  auto incident_req
    = parse_request(v2, test::read_file(dir + "/req-incident.xml"));
  REQUIRE(incident_req.ok());
  CHECK(incident_req->op->name == "CreateIncident");
  CHECK(incident_req->request.fields
        == ticket_fields{{"Summary", "s"}, {"Priority", "5"}});
  std::filesystem::remove_all(dir);
}
