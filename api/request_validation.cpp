#include "api/request_validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <rapidjson/document.h>

#include "api/json_body.hpp"
#include "contract/soap_codec.hpp"
#include "contract/ticket_fields.hpp"
#include "transport/url.hpp"

namespace usms::api {

namespace {

constexpr size_t max_text_length = 256;

api_error bad_type(std::string_view type) {
  return {404, "unknown_ticket_type",
          "unknown ticket type '" + std::string{type}
            + "': use incident, change or problem",
          "type"};
}


/// The keys every ticket request may carry besides its own.
std::optional<api_error> read_common(const rapidjson::Value& doc,
                                     ticket_request& req) {
  if (auto e = read_text_key(doc, "correlation_id", req.correlation_id,
                             max_source_bytes))
    return e;
  return read_source_and_reply_to(doc, req.source, req.reply_to);
}

} // namespace

const soap::contract& intake_rules::usms() const {
  if (contract)
    return *contract;
  static const auto fallback = soap::builtin_contract(2);
  return *fallback;
}

parsed_request parse_create(std::string_view type_text, std::string_view body,
                            const intake_rules& rules) {
  auto type = parse_ticket_type(type_text);
  if (!type)
    return bad_type(type_text);
  auto& k = rules.usms();
  auto op = k.sent(action::create, *type);
  if (!op)
    return not_offered(k, "creating " + std::string{type_text} + " tickets",
                       "");
  rapidjson::Document doc;
  if (auto e = parse_json_object(body, doc))
    return *e;
  if (auto e = reject_unknown_keys(doc, {"fields", "source", "correlation_id",
                                    "reply_to"}))
    return *e;
  ticket_request req;
  req.act = action::create;
  req.type = *type;
  auto f = doc.FindMember("fields");
  if (f == doc.MemberEnd())
    return bad_field("fields.summary", "summary is required");
  if (auto e = read_ticket_fields(f->value, *type, k, *op, req.fields))
    return *e;
  if (auto e = read_common(doc, req))
    return *e;
  auto summary = req.fields.find("Summary");
  if (summary == req.fields.end() || summary->second.empty())
    return bad_field("fields.summary", "summary is required");
  auto ext = req.fields.find("ExternalReference");
  if (ext != req.fields.end()) {
    if (!req.correlation_id.empty() && ext->second != req.correlation_id)
      return bad_field("fields.external_reference",
                       "external_reference differs from correlation_id; "
                       "send one of them or the same value");
    if (req.correlation_id.empty())
      req.correlation_id = ext->second;
    req.fields.erase(ext);
  }
  return req;
}

parsed_request parse_update(std::string_view type_text,
                            std::string_view ticket_id, std::string_view body,
                            const intake_rules& rules) {
  auto type = parse_ticket_type(type_text);
  if (!type)
    return bad_type(type_text);
  auto& k = rules.usms();
  auto op = k.sent(action::update, *type);
  if (!op)
    return not_offered(k, "updating " + std::string{type_text} + " tickets",
                       "");
  if (ticket_id.empty() || ticket_id.size() > max_text_length)
    return bad_field("id", "the ticket id in the path is empty or too long");
  rapidjson::Document doc;
  if (auto e = parse_json_object(body, doc))
    return *e;
  if (auto e = reject_unknown_keys(doc, {"fields", "work_note", "source",
                                    "correlation_id", "reply_to"}))
    return *e;
  ticket_request req;
  req.act = action::update;
  req.type = *type;
  req.ticket_id = std::string{ticket_id};
  if (auto bad = soap::check_xml_text(req.ticket_id); !bad.empty())
    return bad_field("id", bad);
  if (auto f = doc.FindMember("fields"); f != doc.MemberEnd())
    if (auto e = read_ticket_fields(f->value, *type, k, *op, req.fields))
      return *e;
  if (auto w = doc.FindMember("work_note"); w != doc.MemberEnd()) {
    if (!w->value.IsString())
      return bad_field("work_note", "work_note must be a string");
    req.work_note = json_text(w->value);
    if (auto bad = soap::check_xml_text(req.work_note); !bad.empty())
      return bad_field("work_note", "work_note: " + bad);
    if (!req.work_note.empty() && !op->work_note)
      return not_carried(k, "work_note", "work_note");
  }
  if (auto e = read_common(doc, req))
    return *e;
  if (req.fields.empty() && req.work_note.empty())
    return bad_field("fields", "nothing to update: send fields or a work_note");
  return req;
}

parsed_request parse_query(std::string_view type_text,
                           const query_params& params,
                           const intake_rules& rules) {
  auto type = parse_ticket_type(type_text);
  if (!type)
    return bad_type(type_text);
  auto& k = rules.usms();
  auto op = k.sent(action::query, *type);
  if (!op)
    return not_offered(k, "querying " + std::string{type_text} + " tickets",
                       "");
  ticket_request req;
  req.act = action::query;
  req.type = *type;
  for (auto& [key, value] : params) {
    if (key == "wait")
      continue;
    if (key == "limit") {
      char* end = nullptr;
      auto n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n < 1)
        return bad_field("limit", "limit must be a positive integer");
      req.limit = static_cast<int32_t>(std::min<long>(n, rules.query_limit));
      continue;
    }
    if (key == "source" || key == "correlation_id" || key == "reply_to") {
      auto& target = key == "source"           ? req.source
                     : key == "correlation_id" ? req.correlation_id
                                               : req.reply_to;
      target = value;
      continue;
    }
    auto& filters = query_filter_fields();
    auto* def = field_by_json_name(key);
    if (!def
        || std::find(filters.begin(), filters.end(), def->soap_name)
             == filters.end()) {
      if (key == "updated_since") {
        if (!is_valid_date_time(value))
          return bad_field(key, "updated_since must be an ISO 8601 date-time");
        if (!op->filters_by(static_cast<std::size_t>(
              soap::model_filter_index("UpdatedSince"))))
          return not_carried(k, "filtering by " + key, key);
        req.filter["UpdatedSince"] = value;
        continue;
      }
      return bad_field(key, key + " is not a query filter (use status, "
                                  "ticket_id, external_reference, "
                                  "configuration_item, assignment_group, "
                                  "updated_since, limit)");
    }
    if (def->kind == field_kind::status) {
      if (auto problem = check_field_value(*def, *type, value);
          !problem.empty())
        return bad_field(key, problem);
    }
    if (auto bad = soap::check_xml_text(value); !bad.empty())
      return bad_field(key, bad);
    if (!op->filters_by(
          static_cast<std::size_t>(soap::model_filter_index(def->soap_name))))
      return not_carried(k, "filtering by " + key, key);
    req.filter[std::string{def->soap_name}] = value;
  }
  if (!req.reply_to.empty() && !http::parse_url(req.reply_to))
    return bad_field("reply_to", "reply_to must be an http:// or https:// URL");
  return req;
}

std::variant<double, api_error> parse_wait(const query_params& params) {
  for (auto& [key, value] : params)
    if (key == "wait") {
      char* end = nullptr;
      auto s = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !std::isfinite(s) || s < 0)
        return bad_field("wait", "wait must be a number of seconds");
      return std::min(s, 300.0);
    }
  return 0.0;
}

} // namespace usms::api
