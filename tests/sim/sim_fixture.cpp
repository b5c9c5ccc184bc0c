#include "tests/sim/sim_fixture.hpp"

#include <catch2/catch.hpp>

namespace usms::test {

sim_instance::sim_instance(std::vector<std::string> args) {
  contract_ = soap::builtin_contract(2);
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--api-version")
      contract_ = soap::builtin_contract(std::stoi(args[i + 1]));
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--contract") {
      auto loaded = soap::load_contract_file(args[i + 1]);
      INFO(args[i + 1]);
      REQUIRE(loaded.ok());
      contract_ = *loaded;
    }
  args.insert(args.begin(), {"--listen", "127.0.0.1:0"});
  proc_ = child_process::start(bin_path("usms-sim"), std::move(args));
}

http_reply sim_instance::post(const std::string& envelope,
                              const std::string& soap_action,
                              std::chrono::milliseconds timeout) {
  http::header_list headers{{"Content-Type", "text/xml; charset=utf-8"}};
  if (!soap_action.empty())
    headers.push_back({"SOAPAction", soap_action});
  return http_call("POST", soap_url(), envelope, std::move(headers), timeout);
}

soap_exchange sim_instance::exchange(const soap::contract& k,
                                     const soap::operation& op,
                                     const soap::call& c,
                                     const soap::credentials& creds,
                                     std::chrono::milliseconds timeout) {
  auto envelope = soap::build_request(k, op, c, creds);
  INFO((envelope ? "" : envelope.error().message));
  REQUIRE(envelope.ok());
  soap_exchange out;
  out.http = post(*envelope, op.soap_action_header, timeout);
  if (!out.http.error.empty())
    return out;
  auto parsed = soap::parse_response(k, op, c.type, out.http.body);
  if (parsed)
    out.reply = std::move(*parsed);
  else
    out.parse_error = parsed.error().message;
  return out;
}

soap_exchange sim_instance::call(const soap::call& c,
                                 const soap::credentials& creds,
                                 std::chrono::milliseconds timeout) {
  auto op = contract_->sent(c.act, c.type);
  REQUIRE(op);
  return exchange(*contract_, *op, c, creds, timeout);
}

soap_exchange sim_instance::call_op(const std::string& name,
                                    const soap::call& c) {
  const soap::operation* op = nullptr;
  for (auto& o : contract_->operations)
    if (o.name == name)
      op = &o;
  INFO(name);
  REQUIRE(op);
  return exchange(*contract_, *op, c, {}, std::chrono::seconds(10));
}

soap_exchange sim_instance::call_as(const soap::contract& k,
                                    const soap::call& c) {
  auto op = k.sent(c.act, c.type);
  REQUIRE(op);
  return exchange(k, *op, c, {}, std::chrono::seconds(10));
}

soap_exchange sim_instance::call_raw(action a, const std::string& envelope,
                                     const std::string& soap_action) {
  soap_exchange out;
  out.http = post(envelope, soap_action);
  if (!out.http.error.empty())
    return out;
  auto parsed = soap::parse_response(*contract_, a, ticket_type::incident,
                                     out.http.body);
  if (parsed)
    out.reply = std::move(*parsed);
  else
    out.parse_error = parsed.error().message;
  return out;
}

void require_fault(const soap_exchange& x, bool server,
                   const std::string& error_code) {
  INFO("transport: " << x.http.error << "\nbody: " << x.http.body
                     << "\nparse: " << x.parse_error);
  REQUIRE(x.http.error.empty());
  CHECK(x.http.status == 500);
  REQUIRE(x.reply.has_value());
  REQUIRE(x.reply->fault_info.has_value());
  CHECK(x.reply->fault_info->server == server);
  CHECK(x.reply->fault_info->error_code == error_code);
}

const soap::answer& require_ok(const soap_exchange& x) {
  INFO("transport: " << x.http.error << "\nbody: " << x.http.body
                     << "\nparse: " << x.parse_error);
  REQUIRE(x.http.error.empty());
  REQUIRE(x.http.status == 200);
  REQUIRE(x.reply.has_value());
  REQUIRE_FALSE(x.reply->fault_info.has_value());
  return x.reply->ok;
}

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  INFO(text);
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

rapidjson::Document sim_instance::stats() {
  auto r = http_call("GET", base_url() + "/admin/stats");
  INFO(r.error);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

rapidjson::Document sim_instance::set_faults(const std::string& json) {
  auto r = http_call("PUT", base_url() + "/admin/faults", json,
                     {{"Content-Type", "application/json"}});
  INFO(r.error << r.body);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

soap::call create_ticket(ticket_type type, ticket_fields fields) {
  soap::call c;
  c.act = action::create;
  c.type = type;
  c.fields = std::move(fields);
  return c;
}

soap::call create_incident(ticket_fields fields) {
  return create_ticket(ticket_type::incident, std::move(fields));
}

soap::call update_ticket(ticket_type type, std::string id,
                         ticket_fields fields, std::string work_note) {
  soap::call c;
  c.act = action::update;
  c.type = type;
  c.ticket_id = std::move(id);
  c.fields = std::move(fields);
  c.work_note = std::move(work_note);
  return c;
}

soap::call query_tickets(ticket_type type, ticket_fields filter,
                         int max_results) {
  soap::call c;
  c.act = action::query;
  c.type = type;
  c.filter = std::move(filter);
  c.max_results = max_results;
  return c;
}

std::string raw_envelope(int api_version, const std::string& body,
                         const std::string& header) {
  std::string out
    = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<soapenv:Envelope "
      "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
      "xmlns:u=\"urn:usms:ticket:v"
      + std::to_string(api_version) + "\">";
  if (!header.empty())
    out += "<soapenv:Header>" + header + "</soapenv:Header>";
  out += "<soapenv:Body>" + body + "</soapenv:Body></soapenv:Envelope>";
  return out;
}

} // namespace usms::test
