// usmsctl against a real gateway and simulator: every exit code a script
// branches on, and JSON on stdout (answers) or stderr (errors).

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/cli/run_command.hpp"
#include "tests/support/gateway_stack.hpp"

using namespace usms::test;

namespace {

std::string member(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsString())
    return {};
  return it->value.GetString();
}

/// usmsctl with `--gateway` set to the stack's gateway.
command_run usmsctl(gateway_stack& s, std::vector<std::string> args) {
  args.insert(args.begin(), {"--gateway", s.gw_url()});
  return run_command(bin_path("usmsctl"), args);
}

/// Creates an incident and waits for it; returns its ticket id.
std::string create_incident(gateway_stack& s, const std::string& summary,
                            const std::string& ci) {
  auto r = usmsctl(s, {"create", "incident", "--summary", summary, "--field",
                       "configuration_item=" + ci, "--wait", "20"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = parse_json(r.out);
  auto ticket = member(doc, "ticket_id");
  REQUIRE_FALSE(ticket.empty());
  return ticket;
}

} // namespace

TEST_CASE("usmsctl create --wait exits 0 with the succeeded record",
          "[cli]") {
  gateway_stack s;
  auto r = usmsctl(s, {"create", "incident", "--summary", "Router down",
                       "--field", "priority=2", "--field",
                       "configuration_item=router-7", "--source", "nms",
                       "--correlation-id", "alarm-42", "--wait", "20"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  auto doc = parse_json(r.out);
  CHECK(member(doc, "state") == "succeeded");
  CHECK(member(doc, "action") == "create");
  CHECK(member(doc, "type") == "incident");
  CHECK(member(doc, "source") == "nms");
  CHECK(member(doc, "correlation_id") == "alarm-42");
  CHECK_FALSE(member(doc, "ticket_id").empty());
  // The typed field went out as a number and the ticket exists once.
  auto stats = s.sim_stats();
  CHECK(stats["creates_by_external_reference"]["alarm-42"].GetInt() == 1);
}

TEST_CASE("usmsctl get, update and query exit 0 and print JSON", "[cli]") {
  gateway_stack s;
  auto ticket = create_incident(s, "Disk full", "server-9");

  auto q = usmsctl(s, {"query", "incident", "--status", "New", "--filter",
                       "configuration_item=server-9", "--limit", "5",
                       "--wait", "20"});
  INFO(q.out << q.err);
  REQUIRE(q.exit_code == 0);
  auto qdoc = parse_json(q.out);
  CHECK(member(qdoc, "action") == "query");
  REQUIRE(qdoc.HasMember("tickets"));
  REQUIRE(qdoc["tickets"].IsArray());
  REQUIRE(qdoc["tickets"].Size() == 1);
  CHECK(member(qdoc["tickets"][0], "ticket_id") == ticket);

  auto u = usmsctl(s, {"update", "incident", ticket, "--field", "priority=1",
                       "--work-note", "escalated", "--wait", "20"});
  INFO(u.out << u.err);
  REQUIRE(u.exit_code == 0);
  auto udoc = parse_json(u.out);
  CHECK(member(udoc, "action") == "update");
  CHECK(member(udoc, "state") == "succeeded");

  auto id = member(udoc, "request_id");
  auto g = usmsctl(s, {"get", id});
  INFO(g.out << g.err);
  REQUIRE(g.exit_code == 0);
  CHECK(member(parse_json(g.out), "request_id") == id);
}

TEST_CASE("usmsctl exits 1 when the ticket request fails", "[cli]") {
  gateway_stack s;
  // USMS answers a Client fault for an unknown ticket: permanent failure.
  auto r = usmsctl(s, {"update", "incident", "INC-NO-SUCH-TICKET", "--field",
                       "priority=3", "--wait", "20"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  auto doc = parse_json(r.out);
  CHECK(member(doc, "state") == "failed");
  CHECK_FALSE(member(doc, "reason").empty());
}

TEST_CASE("usmsctl exits 2 on bad usage", "[cli]") {
  gateway_stack s;
  SECTION("unknown ticket type") {
    auto r = usmsctl(s, {"create", "outage", "--summary", "x"});
    CHECK(r.exit_code == 2);
  }
  SECTION("create without --summary") {
    auto r = usmsctl(s, {"create", "incident"});
    CHECK(r.exit_code == 2);
  }
  SECTION("a field without =") {
    auto r = usmsctl(s, {"create", "incident", "--summary", "x", "--field",
                         "priority"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("KEY=VALUE") != std::string::npos);
  }
  SECTION("no subcommand") {
    auto r = usmsctl(s, {});
    CHECK(r.exit_code == 2);
  }
  SECTION("a negative wait") {
    auto r = usmsctl(s, {"get", "abc", "--wait", "-1"});
    CHECK(r.exit_code == 2);
  }
  // Nothing reached the gateway: no request was queued.
  auto list = http_call("GET", s.gw_url() + "/api/v1/requests?state="
                                                 "queued,in_flight,"
                                                 "waiting_retry,succeeded,"
                                                 "failed,cancelled");
  REQUIRE(list.status == 200);
  auto doc = parse_json(list.body);
  CHECK(doc["total"].GetInt() == 0);
}

TEST_CASE("usmsctl exits 3 when the gateway refuses or is unreachable",
          "[cli]") {
  gateway_stack s;
  SECTION("validation error: JSON error on stderr") {
    auto r = usmsctl(s, {"create", "incident", "--summary", "x", "--field",
                         "priority=9"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    auto doc = parse_json(r.err);
    CHECK(member(doc["error"], "code") == "validation_failed");
    CHECK(member(doc["error"], "field") == "fields.priority");
  }
  SECTION("unknown request id: 404") {
    auto r = usmsctl(s, {"get", "no-such-request"});
    CHECK(r.exit_code == 3);
    auto doc = parse_json(r.err);
    CHECK(doc.HasMember("error"));
  }
  SECTION("unreachable gateway") {
    // A port that was just free: nothing listens there.
    auto r = run_command(bin_path("usmsctl"),
                         {"--gateway", "http://127.0.0.1:1", "get", "x"});
    CHECK(r.exit_code == 3);
    auto doc = parse_json(r.err);
    CHECK(member(doc["error"], "code") == "unreachable");
  }
  SECTION("the gateway URL from USMS_GATEWAY_URL") {
    auto r = run_command(bin_path("usmsctl"), {"health"},
                         {"USMS_GATEWAY_URL=" + s.gw_url()});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(member(parse_json(r.out), "status") == "ok");
  }
}

TEST_CASE("usmsctl exits 4 while the request is unfinished", "[cli]") {
  stack_options opts;
  // Every call takes 3 s: longer than the stack's request timeout.
  opts.gateway_env = {"USMS_GW_USMS_REQUEST_TIMEOUT=10s"};
  gateway_stack s{opts};
  s.set_faults(R"({"latency_ms": 3000})");
  SECTION("no --wait: accepted and queued") {
    auto r = usmsctl(s, {"create", "incident", "--summary", "slow"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    auto doc = parse_json(r.out);
    CHECK_FALSE(member(doc, "request_id").empty());
  }
  SECTION("the wait runs out first") {
    auto start = std::chrono::steady_clock::now();
    auto r = usmsctl(s, {"create", "incident", "--summary", "slow", "--wait",
                         "0.5"});
    auto took = std::chrono::steady_clock::now() - start;
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    auto doc = parse_json(r.out);
    auto state = member(doc, "state");
    CHECK((state == "queued" || state == "in_flight"));
    CHECK(took < std::chrono::milliseconds(2500));
    // Waiting longer on the same request finishes it.
    auto g = usmsctl(s, {"get", member(doc, "request_id"), "--wait", "20"});
    INFO(g.out << g.err);
    CHECK(g.exit_code == 0);
  }
}

TEST_CASE("every executable answers --version and --help", "[cli]") {
  for (auto exe :
       {"usmsctl", "usms-gateway", "usms-sim", "usms-storm", "usms-load"}) {
    INFO(exe);
    auto v = run_command(bin_path(exe), {"--version"});
    CHECK(v.exit_code == 0);
    CHECK(v.out.rfind(std::string{exe} + " 0.", 0) == 0);
    auto h = run_command(bin_path(exe), {"--help"});
    CHECK(h.exit_code == 0);
    CHECK(h.out.find("--") != std::string::npos);
  }
  // The gateway's help lists every setting with its variable, and SIGTERM.
  auto gh = run_command(bin_path("usms-gateway"), {"--help"});
  for (auto word : {"soap.retries *", "USMS_GW_SOAP_RETRIES",
                    "USMS_GW_AUTH_TOKENS", "offload.retention", "SIGTERM"})
    CHECK(gh.out.find(word) != std::string::npos);
  auto h = run_command(bin_path("usmsctl"), {"--help"});
  for (auto word : {"create", "update", "query", "get", "Exit codes",
                    "USMS_GATEWAY_URL"})
    CHECK(h.out.find(word) != std::string::npos);
  auto ch = run_command(bin_path("usmsctl"), {"create", "--help"});
  for (auto word : {"--summary", "--field", "--wait", "--correlation-id",
                    "--reply-to", "--source"})
    CHECK(ch.out.find(word) != std::string::npos);
}

TEST_CASE("usmsctl contract from-wsdl drafts a contract file", "[cli]") {
  auto wsdl = std::string{USMS_SOURCE_DIR} + "/contract/usms-v2.wsdl";
  auto r = run_command(bin_path("usmsctl"), {"contract", "from-wsdl", wsdl});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("drafted by usmsctl contract from-wsdl from "
                   "usms-v2.wsdl")
        != std::string::npos);
  CHECK(r.out.find("name = \"QueryTickets\"") != std::string::npos);
  CHECK(r.out.find("# TODO: ") != std::string::npos);

  temp_dir dir;
  auto out = dir.path() + "/draft.toml";
  r = run_command(bin_path("usmsctl"),
                  {"contract", "from-wsdl", wsdl, "--out", out});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("settle its TODO lines") != std::string::npos);
  // A draft never replaces a file.
  r = run_command(bin_path("usmsctl"),
                  {"contract", "from-wsdl", wsdl, "--out", out});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("exists; not overwriting it") != std::string::npos);

  r = run_command(bin_path("usmsctl"), {"contract", "from-wsdl",
                                        dir.path() + "/none.wsdl"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("cannot read") != std::string::npos);
  r = run_command(bin_path("usmsctl"),
                  {"contract", "from-wsdl",
                   std::string{USMS_SOURCE_DIR} + "/contract/usms-v2.xsd"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("not a document/literal WSDL") != std::string::npos);
  CHECK(run_command(bin_path("usmsctl"), {"contract"}).exit_code == 2);
}
