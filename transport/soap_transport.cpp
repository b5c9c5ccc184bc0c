#include "transport/soap_transport.hpp"

#include <charconv>
#include <ctime>

#include "transport/http_client.hpp"

namespace usms {

int64_t parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ')
    value.remove_prefix(1);
  if (value.empty())
    return -1;
  int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(),
                                   seconds);
  if (ec == std::errc{} && ptr == value.data() + value.size())
    return seconds < 0 ? -1 : seconds * 1000;
  // HTTP-date form: "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  std::string text{value};
  if (!strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm))
    return -1;
  auto at = timegm(&tm);
  auto now = std::time(nullptr);
  return at > now ? static_cast<int64_t>(at - now) * 1000 : 0;
}

call_result read_soap_outcome(const soap::contract& k, const soap::call& c,
                              unsigned status, std::string_view body,
                              std::string_view retry_after) {
  call_result r;
  r.http_status = status;
  r.request_sent = true;
  r.retry_after_ms = parse_retry_after(retry_after);
  if (auto op = k.sent(c.act, c.type))
    r.operation = op->name;
  auto parsed = soap::parse_response(k, c.act, c.type, body);
  if (parsed) {
    if (parsed->fault_info) {
      auto& f = *parsed->fault_info;
      r.kind = call_result_kind::fault;
      r.server_fault = f.server;
      r.error_code = f.error_code;
      r.error_message = !f.error_message.empty() ? f.error_message
                                                 : f.faultstring;
    } else if (status >= 200 && status < 300) {
      r.kind = call_result_kind::answer;
      r.ticket_id = std::move(parsed->ok.ticket_id);
      r.tickets = std::move(parsed->ok.tickets);
      r.total_count = parsed->ok.total_count;
    } else {
      r.kind = call_result_kind::malformed;
      r.error = "USMS answered HTTP " + std::to_string(status)
                + " with a SOAP answer instead of a fault";
    }
    return r;
  }
  r.kind = call_result_kind::malformed;
  r.error = "USMS answered HTTP " + std::to_string(status) + ": "
            + parsed.error().message;
  return r;
}

soap_sender make_soap_sender(std::shared_ptr<client_slot> slot,
                             std::shared_ptr<contract_slot> contracts) {
  return [slot, contracts](const soap::call& c, const soap_endpoint& ep,
                           std::function<void(call_result)> done) {
    const auto& k = contracts->get();
    auto envelope = soap::build_request(k, c, ep.creds);
    auto op = k.sent(c.act, c.type);
    if (!envelope) {
      // Nothing to send: the result is known now and goes back at once,
      // inside the sender.
      call_result r;
      r.kind = call_result_kind::malformed;
      r.request_sent = false;
      if (op)
        r.operation = op->name;
      r.error = "cannot build the SOAP request: " + envelope.error().message;
      done(std::move(r));
      return;
    }
    http::outgoing req;
    req.method = "POST";
    req.url = ep.url;
    req.headers.push_back({"Content-Type", "text/xml; charset=utf-8"});
    req.headers.push_back({"SOAPAction", op->soap_action_header});
    req.body = std::move(*envelope);
    req.timeout = ep.timeout;
    // The client completes on one of its I/O threads (inside send() only
    // when it is already stopped). `k` outlives the call: every contract
    // the slot held stays alive with the gateway.
    slot->get()->send(std::move(req), [c, k = &k, done = std::move(done)](
                                        http::outcome out) {
      call_result r;
      if (out.failure == http::failure_kind::none) {
        r = read_soap_outcome(*k, c, out.status, out.body,
                              out.header("Retry-After"));
      } else {
        r.kind = call_result_kind::transport;
        r.operation = k->sent(c.act, c.type)->name;
        r.request_sent = out.request_sent;
        r.error = std::move(out.error);
      }
      r.latency_us = out.elapsed.count();
      done(std::move(r));
    });
  };
}

} // namespace usms
