#include "cli/commands.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cli/exit_codes.hpp"
#include "common/json_parse.hpp"
#include "transport/url.hpp"

namespace usms::cli {

namespace {

using clock_type = std::chrono::steady_clock;

/// The gateway answers a `wait` of at most 300 s; longer waits are split.
constexpr double max_wait_per_call = 300.0;

/// Time allowed for the HTTP call itself on top of the server-side wait.
constexpr std::chrono::seconds call_margin{30};

std::string json_string(const std::string& text) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return buf.GetString();
}

/// `{"error": {"code": ..., "message": ...}}` for errors made here.
std::string local_error(const std::string& code, const std::string& message) {
  return "{\"error\":{\"code\":" + json_string(code)
         + ",\"message\":" + json_string(message) + "}}";
}

/// The body re-indented when asked (and when it is JSON), with a newline.
std::string render(const std::string& body, bool pretty) {
  if (pretty) {
    rapidjson::Document doc;
    if (!parse_json(body, doc)) {
      rapidjson::StringBuffer buf;
      rapidjson::PrettyWriter<rapidjson::StringBuffer> w{buf};
      w.SetIndent(' ', 2);
      doc.Accept(w);
      return std::string{buf.GetString()} + "\n";
    }
  }
  return body + "\n";
}

/// An answer that is not a usable record: unreachable, 4xx/5xx.
std::optional<command_result> refusal(const gateway_reply& rep, bool pretty) {
  if (!rep.reached)
    return command_result{exit_refused, {},
                          local_error("unreachable",
                                      rep.error.empty() ? "no answer"
                                                        : rep.error)
                            + "\n"};
  if (rep.status >= 400) {
    rapidjson::Document doc;
    bool is_json = !parse_json(rep.body, doc) && doc.IsObject();
    auto text = is_json ? render(rep.body, pretty)
                        : local_error("http_" + std::to_string(rep.status),
                                      rep.body)
                            + "\n";
    return command_result{exit_refused, {}, std::move(text)};
  }
  return std::nullopt;
}

std::string string_member(const rapidjson::Document& doc, const char* key) {
  if (!doc.IsObject())
    return {};
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsString())
    return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

bool finished(const std::string& state) {
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

std::string with_wait(std::string target, double seconds) {
  if (seconds <= 0)
    return target;
  target += target.find('?') == std::string::npos ? '?' : '&';
  // Whole milliseconds: the gateway reads a plain decimal number.
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", seconds);
  return target + "wait=" + buf;
}

double chunk(double remaining) {
  return std::min(remaining, max_wait_per_call);
}

std::chrono::milliseconds call_timeout(double wait_s) {
  return std::chrono::milliseconds(static_cast<int64_t>(wait_s * 1000))
         + call_margin;
}

/// Sends the request, then follows the record it created until it finishes
/// or the wait runs out.
command_result run(gateway_client& gw, const std::string& method,
                   const std::string& target, const std::string& body,
                   const wait_options& w) {
  auto start = clock_type::now();
  double total = w.wait.value_or(0.0);
  auto remaining = [&] {
    std::chrono::duration<double> spent = clock_type::now() - start;
    return total - spent.count();
  };
  auto first_wait = chunk(total);
  auto rep = gw.call(method, with_wait(target, first_wait), body,
                     w.idempotency_key, call_timeout(first_wait));
  if (auto r = refusal(rep, w.pretty))
    return *r;
  rapidjson::Document doc;
  if (parse_json(rep.body, doc) || !doc.IsObject())
    return {exit_refused, {},
            local_error("bad_answer", "the gateway's answer is not a JSON "
                                      "object")
              + "\n"};
  auto state = string_member(doc, "state");
  auto id = string_member(doc, "request_id");
  // Long waits: follow the record with further waiting reads.
  while (!finished(state) && !id.empty() && remaining() > 0.05) {
    auto before = clock_type::now();
    auto step = chunk(remaining());
    auto next = gw.call("GET",
                        with_wait("/api/v1/requests/"
                                    + http::percent_encode(id),
                                  step),
                        {}, {}, call_timeout(step));
    if (auto r = refusal(next, w.pretty))
      return *r;
    rapidjson::Document next_doc;
    if (parse_json(next.body, next_doc) || !next_doc.IsObject())
      break;
    rep = std::move(next);
    state = string_member(next_doc, "state");
    // A gateway that answers at once would make this a busy loop.
    if (clock_type::now() - before < std::chrono::milliseconds(50))
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return {exit_code_for_state(state), render(rep.body, w.pretty), {}};
}

} // namespace

int exit_code_for_state(const std::string& state) {
  if (state == "succeeded")
    return exit_succeeded;
  if (state == "failed" || state == "cancelled")
    return exit_failed;
  return exit_unfinished;
}

command_result create_ticket(gateway_client& gw, const std::string& type,
                             const ticket_body& body, const wait_options& w) {
  return run(gw, "POST", "/api/v1/tickets/" + http::percent_encode(type),
             ticket_body_json(body), w);
}

command_result update_ticket(gateway_client& gw, const std::string& type,
                             const std::string& ticket_id,
                             const ticket_body& body, const wait_options& w) {
  return run(gw, "PATCH",
             "/api/v1/tickets/" + http::percent_encode(type) + "/"
               + http::percent_encode(ticket_id),
             ticket_body_json(body), w);
}

command_result
query_tickets(gateway_client& gw, const std::string& type,
              const std::vector<std::pair<std::string, std::string>>& filter,
              std::optional<int> limit, const wait_options& w) {
  auto target = "/api/v1/tickets/" + http::percent_encode(type);
  char sep = '?';
  for (auto& [key, value] : filter) {
    target += sep + http::percent_encode(key) + "="
              + http::percent_encode(value);
    sep = '&';
  }
  if (limit) {
    target += sep + std::string{"limit="} + std::to_string(*limit);
    sep = '&';
  }
  return run(gw, "GET", target, {}, w);
}

command_result get_request(gateway_client& gw, const std::string& request_id,
                           const wait_options& w) {
  return run(gw, "GET", "/api/v1/requests/" + http::percent_encode(request_id),
             {}, w);
}

command_result check_health(gateway_client& gw, bool pretty) {
  auto rep = gw.call("GET", "/healthz", {}, {}, std::chrono::seconds(10));
  if (auto r = refusal(rep, pretty))
    return *r;
  return {exit_succeeded, render(rep.body, pretty), {}};
}

} // namespace usms::cli
