#include "api/request_views.hpp"

#include "api/json_writer.hpp"
#include "common/iso_time.hpp"
#include "contract/ticket_fields.hpp"

namespace usms::api {

std::string iso_time(int64_t unix_ms) {
  if (unix_ms <= 0)
    return {};
  return format_iso8601_utc_ms(unix_ms);
}

void write_ticket(json_writer& w, const ticket_fields& fields) {
  w.begin_object();
  // Schema order reads better than alphabetical order.
  for (auto& def : ticket_field_defs()) {
    auto i = fields.find(std::string{def.soap_name});
    if (i == fields.end())
      continue;
    w.key(def.json_name);
    auto& v = i->second;
    if (def.kind == field_kind::priority && is_valid_priority(v))
      w.value(static_cast<int64_t>(std::stoi(v)));
    else if (def.kind == field_kind::boolean && is_valid_boolean(v))
      w.value(v == "true" || v == "1");
    else
      w.value(v);
  }
  w.end_object();
}

namespace {

void write_fields_named(json_writer& w, const char* key,
                        const ticket_fields& fields) {
  w.key(key).begin_object();
  for (auto& [k, v] : fields) {
    auto* def = field_by_soap_name(k);
    w.member(def ? def->json_name : std::string_view{k}, v);
  }
  w.end_object();
}

void write_request_core(json_writer& w, const ticket_request& req) {
  w.member("request_id", req.id);
  w.member("action", to_string(req.act));
  w.member("type", to_string(req.type));
  if (!req.source.empty())
    w.member("source", req.source);
  if (!req.correlation_id.empty())
    w.member("correlation_id", req.correlation_id);
  if (!req.external_reference.empty())
    w.member("external_reference", req.external_reference);
  if (!req.reply_to.empty())
    w.member("reply_to", req.reply_to);
  if (!req.ticket_id.empty() && req.act == action::update)
    w.member("ticket_id", req.ticket_id);
  w.member("cause", to_string(req.cause));
  w.text_or_null("alarm_key", req.alarm_key);
  w.member("accepted_at", iso_time(req.accepted_at));
}

} // namespace

std::string accepted_json(const ticket_request& req, bool usms_available) {
  json_writer w;
  w.begin_object();
  write_request_core(w, req);
  w.member("state", "queued");
  w.member("held", !usms_available);
  w.member("attempts", 0);
  w.end_object();
  return w.str();
}

std::string to_json(const request_record& rec, bool usms_available) {
  auto& req = rec.request;
  auto& p = rec.progress;
  json_writer w;
  w.begin_object();
  write_request_core(w, req);
  w.member("state", to_string(p.state));
  w.member("held", !usms_available && !is_finished(p.state)
                     && p.state != request_state::in_flight);
  w.member("attempts", p.attempts);
  if (!is_finished(p.state)) {
    if (p.next_attempt_at > 0)
      w.member("next_attempt_at", iso_time(p.next_attempt_at));
    if (!p.last_error.empty())
      w.member("last_error", p.last_error);
  }
  if (rec.updated_at > 0)
    w.member("updated_at", iso_time(rec.updated_at));
  if (rec.outcome) {
    auto& out = *rec.outcome;
    w.member("finished_at", iso_time(out.finished_at));
    if (!out.ticket_id.empty() && req.act != action::update)
      w.member("ticket_id", out.ticket_id);
    if (req.act == action::update && !out.tickets.empty()) {
      w.key("ticket");
      write_ticket(w, out.tickets.front());
    }
    if (req.act == action::query && out.state == request_state::succeeded) {
      w.key("tickets").begin_array();
      for (auto& t : out.tickets)
        write_ticket(w, t);
      w.end_array();
      w.member("total_count", out.total_count);
    }
    if (!out.reason.empty())
      w.member("reason", out.reason);
  }
  if (!req.fields.empty()) {
    w.key("fields");
    write_ticket(w, req.fields);
  }
  if (!req.filter.empty())
    write_fields_named(w, "filter", req.filter);
  if (!req.work_note.empty())
    w.member("work_note", req.work_note);
  if (!rec.reply_state.empty()) {
    w.key("reply").begin_object();
    w.member("state", rec.reply_state);
    w.member("attempts", rec.reply_attempts);
    if (!rec.reply_error.empty())
      w.member("error", rec.reply_error);
    w.end_object();
  }
  w.end_object();
  return w.str();
}

} // namespace usms::api
