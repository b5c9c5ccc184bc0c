#include "app/ops_views.hpp"

#include "api/json_writer.hpp"
#include "api/request_views.hpp"
#include "config/units.hpp"

namespace usms::app {

namespace {

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
  w.member("cause", r.cause);
  w.text_or_null("alarm_key", r.alarm_key);
  w.end_object();
}

void write_route(api::json_writer& w, const std::string& source,
                 const std::string& url) {
  w.begin_object().member("source", source).member("url", url).end_object();
}

} // namespace

std::string status_page_json(const status_page& page) {
  api::json_writer w;
  w.begin_object();
  w.member("total", page.total);
  w.member("entries", page.entries);
  w.key("rows").begin_array();
  for (auto& r : page.rows)
    write_status_row(w, r);
  w.end_array().end_object();
  return w.str();
}

std::string trend_json(const trend_series& series,
                       std::chrono::milliseconds interval) {
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
  return w.str();
}

std::string queue_page_json(const queue_page& page, bool usms_available) {
  api::json_writer w;
  w.begin_object();
  w.member("total", page.total);
  w.key("requests").begin_array();
  for (auto& rec : page.requests)
    w.raw(api::to_json(rec, usms_available));
  w.end_array().end_object();
  return w.str();
}

std::string route_list_json(const route_list& list) {
  api::json_writer w;
  w.begin_object().key("routes").begin_array();
  for (auto& r : list.routes)
    write_route(w, r.source, r.url);
  w.end_array().end_object();
  return w.str();
}

std::string route_json(const std::string& source, const std::string& url) {
  api::json_writer w;
  write_route(w, source, url);
  return w.str();
}

} // namespace usms::app
