#include "api/alarm_json.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include <rapidjson/document.h>

#include "alarms/alarm_key.hpp"
#include "api/json_body.hpp"
#include "api/json_writer.hpp"
#include "api/request_views.hpp"

namespace usms::api {

namespace {

std::optional<api_error> read_key(const rapidjson::Value& doc, alarm_event& e) {
  auto k = doc.FindMember("key");
  if (k == doc.MemberEnd())
    return bad_field("key", "key is required");
  if (!k->value.IsString())
    return bad_field("key", "key must be a string");
  e.key = json_text(k->value);
  if (auto problem = alarms::check_alarm_key(e.key); !problem.empty())
    return bad_field("key", problem);
  return std::nullopt;
}

std::optional<api_error> read_signal(const rapidjson::Value& doc,
                                     alarm_event& e) {
  auto s = doc.FindMember("state");
  if (s == doc.MemberEnd())
    return bad_field("state", "state is required: firing or cleared");
  auto signal = s->value.IsString() ? parse_alarm_signal(json_text(s->value))
                                    : std::nullopt;
  if (!signal)
    return bad_field("state", "state must be firing or cleared");
  e.signal = *signal;
  return std::nullopt;
}

std::optional<api_error> read_type(const rapidjson::Value& doc,
                                   alarm_event& e) {
  auto t = doc.FindMember("type");
  if (t == doc.MemberEnd() || t->value.IsNull())
    return std::nullopt;
  auto type = t->value.IsString() ? parse_ticket_type(json_text(t->value))
                                  : std::nullopt;
  if (!type || *type == ticket_type::change)
    return bad_field("type", "type must be incident or problem");
  e.type = *type;
  return std::nullopt;
}

std::optional<api_error> read_fields(const rapidjson::Value& doc,
                                     const intake_rules& rules,
                                     alarm_event& e) {
  // An alarm's ticket is made by a create: the contract must offer one.
  auto& k = rules.usms();
  auto create = k.sent(action::create, e.type);
  if (!create)
    return not_offered(k, std::string{to_string(e.type)} + " alarms", "type");
  auto f = doc.FindMember("fields");
  if (f != doc.MemberEnd())
    if (auto err = read_ticket_fields(f->value, e.type, k, *create, e.fields))
      return err;
  if (e.fields.count("ExternalReference"))
    return bad_field("fields.external_reference",
                     "external_reference is set by the gateway for alarm "
                     "tickets (<key>#<generation>)");
  if (e.signal == alarm_signal::firing) {
    auto summary = e.fields.find("Summary");
    if (summary == e.fields.end() || summary->second.empty())
      return bad_field("fields.summary", "summary is required for a firing");
  }
  return std::nullopt;
}

std::optional<api_error> read_count(const std::string& key,
                                    const std::string& value, int64_t min,
                                    int64_t& out) {
  char* end = nullptr;
  errno = 0;
  auto n = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno == ERANGE || n < min)
    return bad_field(key, key + " must be an integer of at least "
                              + std::to_string(min));
  out = n;
  return std::nullopt;
}

} // namespace

parsed_alarm_event parse_alarm_event(std::string_view body,
                                     const intake_rules& rules) {
  rapidjson::Document doc;
  if (auto e = parse_json_object(body, doc))
    return *e;
  if (auto e = reject_unknown_keys(
          doc, {"key", "state", "type", "fields", "source", "reply_to"}))
    return *e;
  alarm_event event;
  if (auto e = read_key(doc, event))
    return *e;
  if (auto e = read_signal(doc, event))
    return *e;
  if (auto e = read_type(doc, event))
    return *e;
  if (auto e = read_fields(doc, rules, event))
    return *e;
  if (auto e = read_source_and_reply_to(doc, event.source, event.reply_to))
    return *e;
  return event;
}

std::variant<alarm_list_query, api_error>
parse_alarm_list_query(const query_params& params) {
  alarm_list_query q;
  for (auto& [key, value] : params) {
    if (key == "state") {
      q.state = parse_alarm_state(value);
      if (!q.state)
        return bad_field(key, "state must be open, resolved, closed or "
                              "flapping");
    } else if (key == "limit") {
      int64_t n = 0;
      if (auto e = read_count(key, value, 1, n))
        return *e;
      q.limit = static_cast<int32_t>(std::min<int64_t>(n, max_alarm_page));
    } else if (key == "offset") {
      if (auto e = read_count(key, value, 0, q.offset))
        return *e;
    } else {
      return bad_field(key, key
                                + " is not an alarm list parameter (use "
                                  "state, limit, offset)");
    }
  }
  return q;
}

void write_alarm(json_writer& w, const alarm_record& r) {
  w.begin_object();
  w.member("key", r.key);
  w.member("state", to_string(state_of(r)));
  w.member("type", to_string(r.type));
  w.text_or_null("ticket_id", r.ticket_id);
  w.member("generation", r.generation);
  w.member("occurrences", r.occurrences);
  w.text_or_null("first_at", iso_time(r.first_at));
  w.text_or_null("last_at", iso_time(r.last_at));
  w.text_or_null("resolved_at", iso_time(r.resolved_at));
  w.end_object();
}

std::string to_json(const alarm_record& r) {
  json_writer w;
  write_alarm(w, r);
  return w.str();
}

std::string alarm_list_json(int64_t total,
                            const std::vector<alarm_record>& alarms) {
  json_writer w;
  w.begin_object();
  w.member("total", total);
  w.key("alarms").begin_array();
  for (auto& r : alarms)
    write_alarm(w, r);
  w.end_array();
  w.end_object();
  return w.str();
}

std::string alarm_accepted_json(std::string_view key, std::string_view event_id,
                                const std::optional<std::string>& request_id,
                                const alarm_record* alarm) {
  json_writer w;
  w.begin_object();
  w.member("key", key);
  w.member("event_id", event_id);
  w.text_or_null("request_id", request_id ? *request_id : std::string{});
  w.key("alarm");
  if (alarm)
    write_alarm(w, *alarm);
  else
    w.null();
  w.end_object();
  return w.str();
}

std::string alertmanager_accepted_json(
  std::string_view receiver, const std::vector<alarm_accepted>& events,
  int64_t truncated_alerts) {
  json_writer w;
  w.begin_object();
  w.member("receiver", receiver);
  w.key("events").begin_array();
  for (auto& e : events) {
    w.begin_object();
    w.member("key", e.key);
    w.member("event_id", e.event_id);
    w.text_or_null("request_id", e.request_id);
    w.end_object();
  }
  w.end_array();
  w.member("truncated_alerts", truncated_alerts);
  w.end_object();
  return w.str();
}

} // namespace usms::api
