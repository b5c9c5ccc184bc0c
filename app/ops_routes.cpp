#include "app/ops_routes.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>
#include <utility>

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include "api/api_error.hpp"
#include "api/http_answers.hpp"
#include "api/json_writer.hpp"
#include "api/request_views.hpp"
#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/sec.hpp"
#include "caf/send.hpp"
#include "common/json_parse.hpp"
#include "config/keys.hpp"
#include "config/runtime_patch.hpp"
#include "config/units.hpp"
#include "messages/caf/errors.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

using namespace std::chrono_literals;

constexpr auto store_timeout = 30s;
constexpr int64_t default_trend_window_ms = 24LL * 3600 * 1000;
constexpr std::size_t max_source_length = 256;
constexpr std::size_t max_url_length = 2048;
constexpr std::size_t max_text_filter = 256;

// -- answers -----------------------------------------------------------------

using api::error_response;
using api::json_response;

http::response method_not_allowed(std::string_view method,
                                  const char* allowed) {
  auto res = error_response({405, "method_not_allowed",
                             std::string{method} + " is not allowed here; "
                               + "use " + allowed,
                             ""});
  res.headers.push_back({"Allow", allowed});
  return res;
}

/// Maps the store's error to the API's error answer.
api::api_error from_error(const caf::error& err) {
  if (err.category() == caf::atom("usms")
      && static_cast<gateway_errc>(err.code()) == gateway_errc::storage)
    return {500, "storage_failed", "the database could not answer", ""};
  if (err == caf::sec::request_timeout)
    return {503, "busy", "the gateway did not answer in time; retry later",
            ""};
  return {500, "internal", "internal error", ""};
}

/// Asks the store once from a short-lived bridge actor and answers with
/// `to_response(reply)`. `Reply` is the store's answer type.
template <class Reply, class ToResponse, class... Ts>
void ask_store(const std::shared_ptr<ops_context>& ctx, http::responder respond,
               ToResponse to_response, Ts... msg) {
  // ctx goes in as the spawn argument: CAF 0.17 dereferences a null
  // argument tuple for lambdas spawned without one (UBSan reports it).
  ctx->sys->spawn([respond = std::move(respond),
                   to_response = std::move(to_response),
                   msg...](caf::event_based_actor* self,
                           std::shared_ptr<ops_context> ctx) -> caf::behavior {
    self->request(ctx->store, store_timeout, msg...)
      .then(
        [self, respond, to_response](Reply& reply) {
          respond(to_response(reply));
          self->quit();
        },
        [self, respond](caf::error& err) {
          respond(error_response(from_error(err)));
          self->quit();
        });
    return {};
  }, ctx);
}

// -- request parsing ---------------------------------------------------------

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    auto end = path.find('/', pos);
    if (end == std::string_view::npos)
      end = path.size();
    auto part = path.substr(pos, end - pos);
    auto decoded = http::percent_decode(part);
    parts.push_back(decoded ? *decoded : std::string{part});
    pos = end;
  }
  return parts;
}

/// The query parameters as a map; the last of repeated keys wins.
using params_map = std::map<std::string, std::string>;

params_map params_of(const std::string& target) {
  params_map out;
  for (auto& [k, v] : http::parse_query(target))
    out[k] = v;
  return out;
}

const std::string* param(const params_map& p, const char* key) {
  auto i = p.find(key);
  return i == p.end() ? nullptr : &i->second;
}

/// An integer parameter in [lo, hi]; `fallback` when absent.
std::optional<api::api_error> read_int(const params_map& p, const char* key,
                                       int64_t lo, int64_t hi,
                                       int64_t& out) {
  auto* text = param(p, key);
  if (!text)
    return std::nullopt;
  std::size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(*text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text->size() || v < lo || v > hi)
    return api::bad_field(key, std::string{key} + " must be an integer from "
                                 + std::to_string(lo) + " to "
                                 + std::to_string(hi));
  out = v;
  return std::nullopt;
}

std::optional<api::api_error> read_time(const params_map& p, const char* key,
                                        int64_t& out) {
  auto* text = param(p, key);
  if (!text || text->empty())
    return std::nullopt;
  auto t = parse_iso_time(*text);
  if (!t)
    return api::bad_field(key, std::string{key}
                                 + " must be an ISO 8601 time such as "
                                   "2026-11-27T06:48:31Z");
  out = *t;
  return std::nullopt;
}

/// A text parameter that must be one of `allowed` (compared without case);
/// `out` gets the allowed spelling.
std::optional<api::api_error>
read_choice(const params_map& p, const char* key,
            std::initializer_list<const char*> allowed, std::string& out) {
  auto* text = param(p, key);
  if (!text || text->empty())
    return std::nullopt;
  std::string list;
  for (auto* a : allowed) {
    std::string_view candidate{a};
    if (candidate.size() == text->size()
        && std::equal(candidate.begin(), candidate.end(), text->begin(),
                      [](char x, char y) {
                        return std::tolower(static_cast<unsigned char>(x))
                               == std::tolower(static_cast<unsigned char>(y));
                      })) {
      out = a;
      return std::nullopt;
    }
    list += list.empty() ? "" : ", ";
    list += a;
  }
  return api::bad_field(key, std::string{key} + " must be one of " + list);
}

std::optional<api::api_error> read_text(const params_map& p, const char* key,
                                        std::string& out) {
  auto* text = param(p, key);
  if (!text)
    return std::nullopt;
  if (text->size() > max_text_filter)
    return api::bad_field(key, std::string{key} + " is longer than "
                                 + std::to_string(max_text_filter)
                                 + " characters");
  out = *text;
  return std::nullopt;
}

// -- views -------------------------------------------------------------------

void write_status_row(api::json_writer& w, const status_row& r) {
  w.begin_object();
  w.member("row_id", r.row_id);
  w.member("request_id", r.request_id);
  w.member("accepted_at", api::iso_time(r.accepted_at));
  w.member("finished_at", api::iso_time(r.finished_at));
  w.member("action", r.action);
  w.member("type", r.type);
  w.member("ticket_id", r.ticket_id);
  w.member("status", r.status);
  w.member("reason", r.reason);
  w.member("source", r.source);
  w.member("correlation_id", r.correlation_id);
  w.member("attempts", static_cast<int64_t>(r.attempts));
  w.end_object();
}

std::string route_json(const std::string& source, const std::string& url) {
  api::json_writer w;
  w.begin_object().member("source", source).member("url", url).end_object();
  return w.str();
}

// -- GET /api/v1/status and /api/v1/status/trend -----------------------------

void get_status(const std::shared_ptr<ops_context>& ctx,
                const params_map& p, http::responder respond) {
  status_filter f;
  int64_t limit = f.limit;
  std::optional<api::api_error> e;
  if ((e = read_choice(p, "status", {"Succeeded", "Failed"}, f.status))
      || (e = read_choice(p, "action", {"create", "update", "query"},
                          f.action))
      || (e = read_choice(p, "type", {"incident", "change", "problem"},
                          f.type))
      || (e = read_text(p, "source", f.source))
      || (e = read_text(p, "q", f.q)) || (e = read_time(p, "since", f.since))
      || (e = read_time(p, "until", f.until))
      || (e = read_int(p, "limit", 1, 1000, limit))
      || (e = read_int(p, "offset", 0, INT64_MAX / 2, f.offset))) {
    respond(error_response(*e));
    return;
  }
  f.limit = static_cast<int32_t>(limit);
  ask_store<status_page>(
    ctx, std::move(respond),
    [](status_page& page) {
      api::json_writer w;
      w.begin_object();
      w.member("total", page.total);
      w.member("entries", page.entries);
      w.key("rows").begin_array();
      for (auto& r : page.rows)
        write_status_row(w, r);
      w.end_array().end_object();
      return json_response(200, w.str());
    },
    ops_status_atom_v, f);
}

void get_trend(const std::shared_ptr<ops_context>& ctx, const params_map& p,
               http::responder respond) {
  int64_t until = now_ms();
  int64_t since = 0;
  std::optional<api::api_error> e;
  if ((e = read_time(p, "until", until))
      || (e = read_time(p, "since", since))) {
    respond(error_response(*e));
    return;
  }
  if (!param(p, "since"))
    since = until - default_trend_window_ms;
  auto interval = ctx->get_config().values.trend.interval;
  ask_store<trend_series>(
    ctx, std::move(respond),
    [interval](trend_series& series) {
      api::json_writer w;
      w.begin_object();
      w.member("interval", config::format_duration(interval));
      w.key("samples").begin_array();
      for (auto& s : series.samples)
        w.begin_object()
          .member("at", api::iso_time(s.at))
          .member("count", s.count)
          .end_object();
      w.end_array().end_object();
      return json_response(200, w.str());
    },
    ops_trend_atom_v, since, until);
}

// -- GET /api/v1/requests ----------------------------------------------------

void list_requests(const std::shared_ptr<ops_context>& ctx,
                   const params_map& p, http::responder respond) {
  queue_filter f;
  int64_t limit = f.limit;
  std::optional<api::api_error> e;
  if (auto* states = param(p, "state"); states && !states->empty()) {
    std::string_view rest{*states};
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto name = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{}
                                             : rest.substr(comma + 1);
      if (name.empty())
        continue;
      auto st = parse_request_state(name);
      if (!st) {
        respond(error_response(api::bad_field(
          "state", "state must be a comma-separated list of queued, "
                   "in_flight, waiting_retry, succeeded, failed, cancelled")));
        return;
      }
      f.states.push_back(*st);
    }
  }
  if ((e = read_choice(p, "type", {"incident", "change", "problem"}, f.type))
      || (e = read_text(p, "source", f.source))
      || (e = read_int(p, "limit", 1, 1000, limit))
      || (e = read_int(p, "offset", 0, INT64_MAX / 2, f.offset))) {
    respond(error_response(*e));
    return;
  }
  f.limit = static_cast<int32_t>(limit);
  ask_store<queue_page>(
    ctx, std::move(respond),
    [](queue_page& page) {
      api::json_writer w;
      w.begin_object();
      w.member("total", page.total);
      w.key("requests").begin_array();
      for (auto& rec : page.requests)
        w.raw(api::to_json(rec));
      w.end_array().end_object();
      return json_response(200, w.str());
    },
    ops_queue_atom_v, f);
}

// -- GET|PUT /api/v1/config --------------------------------------------------

/// Runs config changes one at a time: each reads the settings the one
/// before it left, so two PUTs at once cannot lose either's keys.
class config_gate {
public:
  /// Runs `job` now or after the jobs before it; a job calls done() when
  /// it has answered.
  void run(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (busy_) {
        waiting_.push_back(std::move(job));
        return;
      }
      busy_ = true;
    }
    job();
  }

  void done() {
    std::function<void()> next;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (waiting_.empty()) {
        busy_ = false;
        return;
      }
      next = std::move(waiting_.front());
      waiting_.pop_front();
    }
    next();
  }

private:
  std::mutex mtx_;
  bool busy_ = false;
  std::deque<std::function<void()>> waiting_;
};

/// A failure of apply_patch or apply_config as a 400 naming the key.
api::api_error config_error(const usms::failure& f) {
  if (f.code == "malformed")
    return {400, "malformed_json", f.message, ""};
  return api::bad_field(f.code, f.message);
}

std::string key_of(const std::string& message) {
  auto colon = message.find(':');
  if (colon == std::string::npos)
    return {};
  auto key = message.substr(0, colon);
  return config::find_key(key) ? key : std::string{};
}

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (auto& k : keys)
    out += (out.empty() ? "" : ", ") + k;
  return out;
}

/// Saves the runtime values, then puts the settings in force; when that
/// fails, puts the saved values back as they were.
void put_config(std::shared_ptr<ops_context> ctx,
                std::shared_ptr<config_gate> gate, std::string body,
                http::responder respond) {
  auto patch = config::apply_patch(ctx->get_config(), body);
  if (!patch) {
    respond(error_response(config_error(patch.error())));
    gate->done();
    return;
  }
  if (patch->runtime_json.empty()) {
    // Only echoes of what is in force: nothing to save or apply.
    respond(json_response(200, config::to_json(patch->updated)));
    gate->done();
    return;
  }
  ctx->sys->spawn([gate, respond, patch = std::move(*patch)](
                    caf::event_based_actor* self,
                    std::shared_ptr<ops_context> ctx) -> caf::behavior {
    auto fail = [self, gate, respond](const api::api_error& e) {
      respond(error_response(e));
      gate->done();
      self->quit();
    };
    self
      ->request(ctx->store, store_timeout, ops_config_atom_v, caf::put_atom_v,
                runtime_values{patch.runtime_json})
      .then(
        [self, ctx, gate, respond, patch, fail](runtime_values& before) {
          auto err = ctx->apply_config(patch.updated, patch.runtime_json);
          if (err.empty()) {
            if (!patch.changed_keys.empty())
              spdlog::info("configuration changed at run time: {}",
                           joined(patch.changed_keys));
            caf::anon_send(ctx->store, ops_trend_atom_v,
                           trend_from(patch.updated.values));
            respond(json_response(200, config::to_json(patch.updated)));
            gate->done();
            self->quit();
            return;
          }
          spdlog::warn("configuration change refused: {}", err);
          auto refusal = api::bad_field(key_of(err), err);
          self
            ->request(ctx->store, store_timeout, ops_config_atom_v,
                      caf::reset_atom_v, before)
            .then([fail, refusal](bool) { fail(refusal); },
                  [fail, refusal](caf::error& e) {
                    spdlog::error("could not restore the saved settings: {}",
                                  to_string(e));
                    fail(refusal);
                  });
        },
        [fail](caf::error& err) { fail(from_error(err)); });
    return {};
  }, ctx);
}

// -- reply routes ------------------------------------------------------------

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

void handle_routes(const std::shared_ptr<ops_context>& ctx,
                   http::request& req, const std::vector<std::string>& seg,
                   http::responder respond) {
  if (seg.size() == 3) {
    if (req.method != "GET") {
      respond(method_not_allowed(req.method, "GET"));
      return;
    }
    ask_store<route_list>(
      ctx, std::move(respond),
      [](route_list& list) {
        api::json_writer w;
        w.begin_object().key("routes").begin_array();
        for (auto& r : list.routes)
          w.begin_object()
            .member("source", r.source)
            .member("url", r.url)
            .end_object();
        w.end_array().end_object();
        return json_response(200, w.str());
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
    ask_store<std::string>(
      ctx, std::move(respond),
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
    ask_store<bool>(
      ctx, std::move(respond),
      [ctx, source, text](bool) {
        if (ctx->on_route_saved)
          ctx->on_route_saved();
        spdlog::info("reply route for source '{}' set", source);
        return json_response(200, route_json(source, text));
      },
      ops_route_atom_v, caf::put_atom_v, source, text);
  } else if (req.method == "DELETE") {
    ask_store<bool>(
      ctx, std::move(respond),
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

// -- time --------------------------------------------------------------------

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

/// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size())
    return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

} // namespace

std::optional<int64_t> parse_iso_time(std::string_view s) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-'
      || !digits(s, pos, 2, month) || pos >= s.size() || s[pos++] != '-'
      || !digits(s, pos, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31)
    return std::nullopt;
  int64_t millis = 0;
  int64_t offset_min = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')
      return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':'
        || !digits(s, pos, 2, minute))
      return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!digits(s, pos, 2, second))
        return std::nullopt;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int64_t scale = 100;
        std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          millis += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start)
          return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60)
      return std::nullopt;
    if (pos < s.size()) {
      char sign = s[pos++];
      if (sign == 'Z' || sign == 'z') {
        // UTC
      } else if (sign == '+' || sign == '-' || sign == ' ') {
        int oh = 0, om = 0;
        if (!digits(s, pos, 2, oh))
          return std::nullopt;
        if (pos < s.size() && s[pos] == ':')
          ++pos;
        if (!digits(s, pos, 2, om) || oh > 23 || om > 59)
          return std::nullopt;
        offset_min = (oh * 60 + om) * (sign == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
  }
  if (pos != s.size())
    return std::nullopt;
  auto days = days_from_civil(year, static_cast<unsigned>(month),
                              static_cast<unsigned>(day));
  auto secs = days * 86400 + hour * 3600 + minute * 60 + second
              - offset_min * 60;
  return secs * 1000 + millis;
}

trend_settings trend_from(const config::settings& s) {
  return {s.trend.interval.count(), s.trend.keep.count()};
}

std::vector<route_handler> make_ops_routes(std::shared_ptr<ops_context> ctx) {
  auto gate = std::make_shared<config_gate>();
  route_handler handler = [ctx, gate](http::request& req,
                                      http::responder& respond) {
    auto seg = split_path(http::target_path(req.target));
    if (seg.size() < 3 || seg[0] != "api" || seg[1] != "v1")
      return false;
    const auto& what = seg[2];
    if (what == "status" && seg.size() <= 4) {
      if (seg.size() == 4 && seg[3] != "trend")
        return false;
      if (req.method != "GET") {
        respond(method_not_allowed(req.method, "GET"));
        return true;
      }
      if (seg.size() == 3)
        get_status(ctx, params_of(req.target), std::move(respond));
      else
        get_trend(ctx, params_of(req.target), std::move(respond));
      return true;
    }
    if (what == "requests" && seg.size() == 3) {
      if (req.method != "GET")
        respond(method_not_allowed(req.method, "GET"));
      else
        list_requests(ctx, params_of(req.target), std::move(respond));
      return true;
    }
    if (what == "config" && seg.size() == 3) {
      if (req.method == "GET") {
        respond(json_response(200, config::to_json(ctx->get_config())));
      } else if (req.method == "PUT") {
        gate->run([ctx, gate, body = std::move(req.body),
                   respond = std::move(respond)]() mutable {
          put_config(ctx, gate, std::move(body), std::move(respond));
        });
      } else {
        respond(method_not_allowed(req.method, "GET, PUT"));
      }
      return true;
    }
    if (what == "reply-routes" && seg.size() <= 4) {
      handle_routes(ctx, req, seg, std::move(respond));
      return true;
    }
    return false;
  };
  return {std::move(handler)};
}

} // namespace usms::app
