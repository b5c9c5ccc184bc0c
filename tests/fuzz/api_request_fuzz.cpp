// The API's request decoders (JSON body or query string → ticket request;
// alarm events and Alertmanager payloads → alarm events) on any bytes. A
// ticket request they accept must be sendable: the SOAP codec builds the
// calls the request supervisor makes of it (actors/soap_calls.cpp, compiled
// into this target: the actors' library is not built for fuzzing) without
// complaint, and the journal's JSON gives the request back. An
// alarm event keeps its documented key and field rules, and a firing can
// create its ticket.
//
// Input: one selector byte (bits 0-1: create, update, query, or an alarm;
// bits 2-3: the ticket type; bits 4 and 7: the contract, USMS API v1 and an
// example contract, see fuzz_contracts.hpp; bits 5-6: the ticket id of an
// update; bit 5 of an alarm: Alertmanager's payload instead of ours, bit 6
// by group), then the body (or, for a query, the query string).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>

#include "actors/soap_calls.hpp"
#include "alarms/alarm_key.hpp"
#include "api/alarm_json.hpp"
#include "api/alertmanager_json.hpp"
#include "api/request_validation.hpp"
#include "contract/soap_codec.hpp"
#include "persistence/record_json.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_contracts.hpp"
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

/// The codec builds `c`'s envelope in `k`.
void require_buildable(const usms::soap::contract& k,
                       const usms::soap::call& c) {
  auto envelope = usms::soap::build_request(k, c, {});
  if (!envelope)
    std::fprintf(stderr, "build_request: %s\n",
                 envelope.error().message.c_str());
  require(envelope.ok(), "the API accepted a request the codec refuses");
}

void check_error(const usms::api::api_error& error) {
  require(error.status >= 400 && error.status < 500, "a status not 4xx");
  require(!error.message.empty(), "an error without a message");
}

/// An alarm event keeps the key and field rules, and a firing can create
/// its ticket in `k` (as the alarm rules make it: the event's fields, and
/// the ExternalReference of a late generation, the longest).
void check_alarm(const usms::alarm_event& event,
                 const usms::soap::contract& k) {
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
  if (event.signal != usms::alarm_signal::firing
      || !k.offers(usms::action::create, event.type))
    return;
  usms::ticket_request req;
  req.act = usms::action::create;
  req.type = event.type;
  req.fields = event.fields;
  req.external_reference = usms::alarms::external_reference(
    event.key, std::numeric_limits<std::int32_t>::max());
  require_buildable(k, usms::make_call(req, 100));
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
      check_alarm(event, rules.usms());
    return;
  }
  auto parsed = usms::api::parse_alarm_event(body, rules);
  if (auto* error = std::get_if<usms::api::api_error>(&parsed))
    return check_error(*error);
  check_alarm(std::get<usms::alarm_event>(parsed), rules.usms());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  auto input = usms::fuzz::split_selector(data, size);
  if (!input)
    return 0;
  auto [selector, body] = *input;
  auto type = types[(selector >> 2) & 3];
  usms::api::intake_rules rules;
  rules.contract = &usms::fuzz::fuzz_contract((selector & 0x10 ? 1 : 0)
                                              | (selector & 0x80 ? 2 : 0));

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
  // As intake does: a create carries its correlation id (else the request
  // id) to USMS as ExternalReference.
  if (req.act == usms::action::create && req.external_reference.empty())
    req.external_reference = !req.correlation_id.empty() ? req.correlation_id
                                                         : "r-0001";

  const auto& k = rules.usms();
  require_buildable(k, usms::make_call(req, rules.query_limit));
  if (req.act == usms::action::create && k.lookup_by_external_reference
      && !req.external_reference.empty())
    require_buildable(k, usms::make_lookup_call(req, rules.query_limit));

  usms::ticket_request back;
  require(usms::db::decode_payload(usms::db::encode_payload(req), back),
          "the journal cannot read its own payload");
  require(back.fields == req.fields && back.filter == req.filter
            && back.ticket_id == req.ticket_id
            && back.work_note == req.work_note && back.limit == req.limit,
          "the journal's payload reads back different");
  return 0;
}
