#include "app/reply_routes.hpp"

#include <algorithm>
#include <optional>
#include <variant>

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "api/http_answers.hpp"
#include "app/actor_bridge.hpp"
#include "app/ops_views.hpp"
#include "common/json_parse.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

constexpr std::size_t max_source_length = 256;
constexpr std::size_t max_url_length = 2048;

using api::error_response;
using api::json_response;

bool has_control(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

std::optional<api::api_error> check_source(const std::string& source) {
  if (source.empty())
    return api::bad_field("source", "source must not be empty");
  if (has_control(source))
    return api::bad_field("source", "source must not hold control "
                                    "characters");
  if (source.size() > max_source_length)
    return api::bad_field("source", "source is longer than "
                                      + std::to_string(max_source_length)
                                      + " characters");
  return std::nullopt;
}

/// The `url` of a PUT body: an absolute http(s) URL.
std::variant<std::string, api::api_error> read_route_body(
  const std::string& body) {
  rapidjson::Document doc;
  if (auto e = parse_json(body, doc))
    return api::api_error{400, "malformed_json", "the body is " + e->message,
                          ""};
  if (!doc.IsObject())
    return api::api_error{400, "malformed_json",
                          "the body must be a JSON object such as "
                          "{\"url\": \"http://host/hook\"}",
                          ""};
  auto it = doc.FindMember("url");
  if (it == doc.MemberEnd() || !it->value.IsString())
    return api::bad_field("url", "url is required and must be a string");
  std::string url{it->value.GetString(), it->value.GetStringLength()};
  if (url.size() > max_url_length)
    return api::bad_field("url", "url is longer than "
                                   + std::to_string(max_url_length)
                                   + " characters");
  if (has_control(url) || !http::parse_url(url))
    return api::bad_field("url", "url must be an absolute http:// or "
                                 "https:// URL");
  return url;
}

} // namespace

void handle_reply_routes(const std::shared_ptr<ops_context>& ctx,
                         http::request& req,
                         const std::vector<std::string>& seg,
                         http::responder respond) {
  if (seg.size() == 3) {
    if (req.method != "GET") {
      respond(method_not_allowed(req.method, "GET"));
      return;
    }
    ask_once<route_list>(
      *ctx->sys, ctx->store, ops_store_timeout, std::move(respond),
      [](route_list& list) {
        return json_response(200, route_list_json(list));
      },
      ops_route_atom_v);
    return;
  }
  const auto& source = seg[3];
  if (auto e = check_source(source)) {
    respond(error_response(*e));
    return;
  }
  auto not_found = [source] {
    return error_response(
      {404, "not_found", "no reply route for source " + source, ""});
  };
  if (req.method == "GET") {
    ask_once<std::string>(
      *ctx->sys, ctx->store, ops_store_timeout, std::move(respond),
      [source, not_found](std::string& url) {
        return url.empty() ? not_found()
                           : json_response(200, route_json(source, url));
      },
      ops_route_atom_v, caf::get_atom_v, source);
  } else if (req.method == "PUT") {
    auto url = read_route_body(req.body);
    if (auto* e = std::get_if<api::api_error>(&url)) {
      respond(error_response(*e));
      return;
    }
    auto text = std::get<std::string>(url);
    ask_once<bool>(
      *ctx->sys, ctx->store, ops_store_timeout, std::move(respond),
      [ctx, source, text](bool) {
        if (ctx->on_route_saved)
          ctx->on_route_saved();
        spdlog::info("reply route for source '{}' set", source);
        return json_response(200, route_json(source, text));
      },
      ops_route_atom_v, caf::put_atom_v, source, text);
  } else if (req.method == "DELETE") {
    ask_once<bool>(
      *ctx->sys, ctx->store, ops_store_timeout, std::move(respond),
      [source, not_found](bool existed) {
        if (!existed)
          return not_found();
        spdlog::info("reply route for source '{}' deleted", source);
        http::response res;
        res.status = 204;
        return res;
      },
      ops_route_atom_v, caf::delete_atom_v, source);
  } else {
    respond(method_not_allowed(req.method, "GET, PUT, DELETE"));
  }
}

} // namespace usms::app
