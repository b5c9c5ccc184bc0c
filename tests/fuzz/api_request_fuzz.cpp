// The API's request decoders (JSON body or query string → ticket request;
// alarm events and Alertmanager payloads → alarm events) on any bytes. A
// ticket request they accept must be sendable: the SOAP codec builds the
// call without complaint, and the journal's JSON gives the request back. An
// alarm event keeps its documented key and field rules.
//
// Input: one selector byte (bits 0-1: create, update, query, or an alarm;
// bits 2-3: the ticket type; bit 4: USMS API v1; bits 5-6: the ticket id of
// an update; bit 5 of an alarm: Alertmanager's payload instead of ours,
// bit 6 by group), then the body (or, for a query, the query string).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "api/alarm_json.hpp"
#include "api/alertmanager_json.hpp"
#include "api/request_validation.hpp"
#include "contract/soap_codec.hpp"
#include "persistence/record_json.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "transport/url.hpp"

namespace {

using usms::fuzz::require;

constexpr std::string_view types[] = {"incident", "change", "problem", "outage"};

std::string ticket_id_of(unsigned bits) {
  switch (bits) {
  case 0: return "INC0001";
  case 1: return "";
  case 2: return std::string(300, 'x');
  default: return "a\x01<b>&";
  }
}

/// The SOAP call the request supervisor makes of an accepted request.
usms::soap::call call_of(const usms::ticket_request& req, int api_version) {
  usms::soap::call c;
  c.api_version = api_version;
  c.type = req.type;
  switch (req.act) {
  case usms::action::create:
    c.op = api_version < 2 ? usms::soap::operation::create_incident
                           : usms::soap::operation::create_ticket;
    c.fields = req.fields;
    if (!req.external_reference.empty())
      c.fields["ExternalReference"] = req.external_reference;
    break;
  case usms::action::update:
    c.op = usms::soap::operation::update_ticket;
    c.ticket_id = req.ticket_id;
    c.fields = req.fields;
    c.work_note = req.work_note;
    break;
  case usms::action::query:
    c.op = usms::soap::operation::query_tickets;
    c.filter = req.filter;
    c.max_results = req.limit > 0 ? req.limit : 100;
    break;
  }
  return c;
}

void check_error(const usms::api::api_error& error) {
  require(error.status >= 400 && error.status < 500, "a status not 4xx");
  require(!error.message.empty(), "an error without a message");
}

void check_alarm(const usms::alarm_event& event) {
  require(!event.key.empty() && event.key.size() <= 512,
          "an alarm key of no or too many bytes");
  for (char c : event.key)
    require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f,
            "a control character in an alarm key");
  require(usms::soap::check_xml_text(event.key).empty(),
          "an alarm key XML cannot carry");
  for (auto& [name, value] : event.fields)
    require(usms::soap::check_xml_text(value).empty(),
            "an alarm field XML cannot carry");
}

/// The alarm decoders: our own alarm events and Alertmanager's payloads.
void decode_alarm(unsigned selector, std::string_view body,
                  const usms::api::intake_rules& rules) {
  if (selector & 0x20) {
    usms::config::alertmanager_settings settings;
    if (selector & 0x40)
      settings.key = "group";
    auto parsed = usms::api::parse_alertmanager(body, settings, 0);
    if (auto* error = std::get_if<usms::api::api_error>(&parsed))
      return check_error(*error);
    for (auto& event : std::get<usms::api::alertmanager_notification>(parsed)
                         .events)
      check_alarm(event);
    return;
  }
  auto parsed = usms::api::parse_alarm_event(body, rules);
  if (auto* error = std::get_if<usms::api::api_error>(&parsed))
    return check_error(*error);
  check_alarm(std::get<usms::alarm_event>(parsed));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size == 0)
    return 0;
  unsigned selector = data[0];
  std::string_view body{reinterpret_cast<const char*>(data) + 1, size - 1};
  auto type = types[(selector >> 2) & 3];
  usms::api::intake_rules rules;
  rules.api_version = selector & 0x10 ? 1 : 2;

  usms::api::parsed_request parsed;
  switch (selector & 3) {
  case 0:
    parsed = usms::api::parse_create(type, body, rules);
    break;
  case 1:
    parsed = usms::api::parse_update(type, ticket_id_of((selector >> 5) & 3),
                                     body, rules);
    break;
  case 2: {
    auto params = usms::http::parse_query("/?" + std::string{body});
    parsed = usms::api::parse_query(type, params, rules);
    (void)usms::api::parse_wait(params);
    break;
  }
  default:
    decode_alarm(selector, body, rules);
    return 0;
  }
  if (auto* error = std::get_if<usms::api::api_error>(&parsed)) {
    check_error(*error);
    return 0;
  }
  auto& req = std::get<usms::ticket_request>(parsed);

  auto envelope = usms::soap::build_request(call_of(req, rules.api_version),
                                            {});
  if (!envelope)
    std::fprintf(stderr, "build_request: %s\n",
                 envelope.error().message.c_str());
  require(envelope.ok(), "the API accepted a request the codec refuses");

  usms::ticket_request back;
  require(usms::db::decode_payload(usms::db::encode_payload(req), back),
          "the journal cannot read its own payload");
  require(back.fields == req.fields && back.filter == req.filter
            && back.ticket_id == req.ticket_id
            && back.work_note == req.work_note && back.limit == req.limit,
          "the journal's payload reads back different");
  return 0;
}
