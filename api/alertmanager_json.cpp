#include "api/alertmanager_json.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include <rapidjson/document.h>

#include "alarms/alarm_key.hpp"
#include "alarms/alert_render.hpp"
#include "api/json_body.hpp"
#include "common/ascii.hpp"
#include "config/alert_template.hpp"
#include "contract/xml_text.hpp"

namespace usms::api {

namespace {

using alarms::alert_values;
using template_parts = std::vector<config::template_part>;

/// One alert of the payload, as far as alarms need it.
struct alert {
  alarm_signal signal = alarm_signal::firing;
  alert_values labels;
  alert_values annotations;
  std::string fingerprint;
};

/// The three field templates, parsed.
struct field_templates {
  template_parts summary;
  template_parts description;
  template_parts configuration_item;
};

std::variant<field_templates, api_error>
parse_templates(const config::alertmanager_settings& s) {
  field_templates t;
  for (auto [key, text, out] :
       {std::tuple{"alertmanager.summary", &s.summary, &t.summary},
        std::tuple{"alertmanager.description", &s.description, &t.description},
        std::tuple{"alertmanager.configuration_item", &s.configuration_item,
                   &t.configuration_item}}) {
    auto parts = config::parse_template(*text);
    if (!parts)
      return api_error{500, "config_invalid",
                       std::string{key} + ": " + parts.error().message, ""};
    *out = std::move(*parts);
  }
  return t;
}

std::optional<api_error> read_string(const rapidjson::Value& obj,
                                     const char* key, const std::string& path,
                                     bool required, std::string& out) {
  auto i = obj.FindMember(key);
  if (i == obj.MemberEnd() || i->value.IsNull()) {
    if (required)
      return bad_field(path, path + " is required");
    return std::nullopt;
  }
  if (!i->value.IsString())
    return bad_field(path, path + " must be a string");
  out = json_text(i->value);
  return std::nullopt;
}

/// An optional object of string values: labels or annotations.
std::optional<api_error> read_values(const rapidjson::Value& obj,
                                     const char* key, const std::string& path,
                                     alert_values& out) {
  auto i = obj.FindMember(key);
  if (i == obj.MemberEnd() || i->value.IsNull())
    return std::nullopt;
  if (!i->value.IsObject())
    return bad_field(path, path + " must be an object");
  for (auto& m : i->value.GetObject()) {
    auto name = json_text(m.name);
    if (!m.value.IsString())
      return bad_field(path + "." + name,
                       path + "." + name + " must be a string");
    out[name] = json_text(m.value);
  }
  return std::nullopt;
}

std::optional<api_error> read_status(const rapidjson::Value& obj,
                                     const std::string& path,
                                     alarm_signal& out) {
  std::string status;
  if (auto e = read_string(obj, "status", path, true, status))
    return e;
  if (status == "firing")
    out = alarm_signal::firing;
  else if (status == "resolved")
    out = alarm_signal::cleared;
  else
    return bad_field(path, path + " must be firing or resolved");
  return std::nullopt;
}

std::optional<api_error> read_alert(const rapidjson::Value& v,
                                    const std::string& path,
                                    bool need_fingerprint, alert& out) {
  if (!v.IsObject())
    return bad_field(path, path + " must be an object");
  if (auto e = read_status(v, path + ".status", out.signal))
    return e;
  if (auto e = read_values(v, "labels", path + ".labels", out.labels))
    return e;
  if (auto e
      = read_values(v, "annotations", path + ".annotations", out.annotations))
    return e;
  if (auto e = read_string(v, "fingerprint", path + ".fingerprint",
                           need_fingerprint, out.fingerprint))
    return e;
  if (need_fingerprint && out.fingerprint.empty())
    return bad_field(path + ".fingerprint",
                     path + ".fingerprint must not be empty");
  return std::nullopt;
}

std::string value_of(const alert_values& values, const std::string& name) {
  auto i = values.find(name);
  return i != values.end() ? i->second : std::string{};
}

/// The ticket fields of one alarm; `names` are the labels the summary
/// falls back on, in order, for their `alertname`.
ticket_fields render_fields(const field_templates& t,
                            const alert_values& labels,
                            const alert_values& annotations,
                            std::initializer_list<const alert_values*> names,
                            const std::string& key, int priority) {
  ticket_fields fields;
  auto summary = alarms::render_template(t.summary, labels, annotations);
  for (auto* n : names)
    if (is_blank(summary))
      summary = value_of(*n, "alertname");
  if (is_blank(summary))
    summary = key;
  fields["Summary"] = soap::sanitize_text(summary);
  for (auto [name, parts] :
       {std::pair{"Description", &t.description},
        std::pair{"ConfigurationItem", &t.configuration_item}}) {
    auto text = alarms::render_template(*parts, labels, annotations);
    if (!is_blank(text))
      fields[name] = soap::sanitize_text(text);
  }
  fields["Priority"] = std::to_string(priority);
  return fields;
}

/// The most urgent priority of the group's alerts (the common severity's
/// when there are none).
int group_priority(const config::alertmanager_settings& settings,
                   const std::vector<alert>& alerts,
                   const alert_values& common_labels) {
  if (alerts.empty())
    return priority_of(settings, value_of(common_labels, "severity"));
  auto priority = std::numeric_limits<int>::max();
  for (auto& one : alerts)
    priority = std::min(
        priority, priority_of(settings, value_of(one.labels, "severity")));
  return priority;
}

alarm_event make_event(std::string key, alarm_signal signal,
                       ticket_fields fields, int64_t now) {
  alarm_event e;
  e.key = std::move(key);
  e.signal = signal;
  e.type = ticket_type::incident;
  e.fields = std::move(fields);
  e.source = std::string{alertmanager_source};
  e.at = now;
  return e;
}

} // namespace

parsed_alertmanager
parse_alertmanager(std::string_view body,
                   const config::alertmanager_settings& settings, int64_t now) {
  auto parsed_templates = parse_templates(settings);
  if (auto* err = std::get_if<api_error>(&parsed_templates))
    return *err;
  auto& templates = std::get<field_templates>(parsed_templates);

  rapidjson::Document doc;
  if (auto e = parse_json_object(body, doc))
    return *e;
  std::string version;
  if (auto e = read_string(doc, "version", "version", true, version))
    return *e;
  if (version != "4")
    return bad_field("version", "version must be \"4\" (Alertmanager's "
                                "webhook payload version 4), not \""
                                    + version + "\"");
  bool by_group = settings.key == "group";
  alertmanager_notification out;
  alarm_signal group_signal = alarm_signal::firing;
  if (auto e = read_status(doc, "status", group_signal))
    return *e;
  if (auto e
      = read_string(doc, "groupKey", "groupKey", by_group, out.group_key))
    return *e;
  if (auto e = read_string(doc, "receiver", "receiver", false, out.receiver))
    return *e;
  alert_values group_labels, common_labels, common_annotations;
  if (auto e = read_values(doc, "groupLabels", "groupLabels", group_labels))
    return *e;
  if (auto e = read_values(doc, "commonLabels", "commonLabels", common_labels))
    return *e;
  if (auto e = read_values(doc, "commonAnnotations", "commonAnnotations",
                           common_annotations))
    return *e;
  if (auto t = doc.FindMember("truncatedAlerts"); t != doc.MemberEnd()) {
    if (!t->value.IsInt64() || t->value.GetInt64() < 0)
      return bad_field("truncatedAlerts",
                       "truncatedAlerts must be a non-negative integer");
    out.truncated_alerts = t->value.GetInt64();
  }
  auto a = doc.FindMember("alerts");
  if (a == doc.MemberEnd() || !a->value.IsArray())
    return bad_field("alerts", "alerts must be an array");

  std::vector<alert> alerts;
  alerts.reserve(a->value.Size());
  for (rapidjson::SizeType i = 0; i < a->value.Size(); ++i) {
    alert one;
    auto path = "alerts[" + std::to_string(i) + "]";
    if (auto e = read_alert(a->value[i], path, !by_group, one))
      return *e;
    alerts.push_back(std::move(one));
  }

  if (by_group) {
    auto key = alarms::alertmanager_key(out.group_key);
    auto priority = group_priority(settings, alerts, common_labels);
    const alert_values* first
        = alerts.empty() ? &common_labels : &alerts.front().labels;
    auto fields
        = render_fields(templates, common_labels, common_annotations,
                        {&common_labels, &group_labels, first}, key, priority);
    out.events.push_back(
        make_event(std::move(key), group_signal, std::move(fields), now));
    return out;
  }
  for (auto& one : alerts) {
    auto key = alarms::alertmanager_key(one.fingerprint);
    auto priority = priority_of(settings, value_of(one.labels, "severity"));
    auto fields = render_fields(templates, one.labels, one.annotations,
                                {&one.labels}, key, priority);
    out.events.push_back(
        make_event(std::move(key), one.signal, std::move(fields), now));
  }
  return out;
}

} // namespace usms::api
