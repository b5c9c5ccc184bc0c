#include "contract/wsdl_names.hpp"

#include <algorithm>
#include <utility>

#include "common/ascii.hpp"

namespace usms::soap::wsdl {

namespace {

bool any_of(const std::string& s, std::initializer_list<std::string_view> xs) {
  return std::any_of(xs.begin(), xs.end(),
                     [&](std::string_view x) { return s == x; });
}

bool contains_any(const std::string& s,
                  std::initializer_list<std::string_view> xs) {
  return std::any_of(xs.begin(), xs.end(), [&](std::string_view x) {
    return s.find(x) != std::string::npos;
  });
}

// Element names operators commonly give each ticket field, folded.
const std::vector<std::pair<std::string_view, std::vector<std::string_view>>>&
field_names() {
  static const std::vector<
    std::pair<std::string_view, std::vector<std::string_view>>>
    names{
      {"ticket_id", {"ticketid", "id", "number", "recordid", "ticketnumber",
                     "key"}},
      {"status", {"status", "state", "lifecycle", "stage"}},
      {"summary", {"summary", "title", "subject", "shortdescription",
                   "shorttext", "headline"}},
      {"description", {"description", "details", "longdescription",
                       "longtext", "body"}},
      {"priority", {"priority", "prio", "severity"}},
      {"impact", {"impact"}},
      {"urgency", {"urgency"}},
      {"category", {"category", "classification"}},
      {"assignment_group", {"assignmentgroup", "group", "team", "queue",
                            "resolvergroup"}},
      {"assignee", {"assignee", "assignedto", "owner", "agent"}},
      {"configuration_item", {"configurationitem", "ci", "asset", "cmdbci",
                              "device", "node"}},
      {"external_reference", {"externalreference", "correlationid",
                              "correlationref", "sourceref", "externalid",
                              "reference", "externalref"}},
      {"reported_by", {"reportedby", "caller", "reporter", "requester",
                       "requestedby"}},
      {"created_at", {"createdat", "created", "opened", "createdon",
                      "opendate", "creationtime"}},
      {"updated_at", {"updatedat", "updated", "modified", "lastchanged",
                      "lastmodified", "updatedon"}},
      {"resolution_code", {"resolutioncode", "resolution", "closecode"}},
      {"resolution_notes", {"resolutionnotes", "resolutiontext",
                            "closenotes"}},
      {"change_type", {"changetype", "changeclass", "kind"}},
      {"risk", {"risk"}},
      {"planned_start", {"plannedstart", "start", "windowstart",
                         "startdate"}},
      {"planned_end", {"plannedend", "end", "windowend", "enddate"}},
      {"backout_plan", {"backoutplan", "rollback", "fallback",
                        "rollbackplan"}},
      {"root_cause", {"rootcause", "cause"}},
      {"workaround", {"workaround"}},
      {"known_error", {"knownerror", "knownerrorflag", "known"}},
    };
  return names;
}

} // namespace

std::vector<std::string> words(std::string_view name) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty())
      out.push_back(to_lower_ascii(word));
    word.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9');
    if (!alnum) {
      flush();
      continue;
    }
    bool upper = c >= 'A' && c <= 'Z';
    bool prev_lower = i > 0 && name[i - 1] >= 'a' && name[i - 1] <= 'z';
    if (upper && prev_lower)
      flush();
    word += c;
  }
  flush();
  return out;
}

std::string folded(std::string_view name) {
  std::string out;
  for (char c : name)
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += c;
    else if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<action> action_of(const std::vector<std::string>& ws) {
  for (auto& w : ws) {
    if (any_of(w, {"create", "new", "open", "add", "insert", "submit",
                   "raise", "log", "register"}))
      return action::create;
    if (any_of(w, {"query", "search", "find", "get", "list", "read", "fetch",
                   "lookup", "retrieve", "select"}))
      return action::query;
    if (any_of(w, {"update", "modify", "change", "edit", "amend", "patch",
                   "set", "alter"}))
      return action::update;
  }
  return std::nullopt;
}

std::vector<ticket_type> types_of(const std::vector<std::string>& ws,
                                  std::optional<action> act) {
  std::vector<ticket_type> out;
  bool verb_seen = !act;
  for (auto& w : ws) {
    // The first verb ("Change" in ChangeRecord) is not a type.
    if (!verb_seen && action_of({w}) == act) {
      verb_seen = true;
      continue;
    }
    std::optional<ticket_type> t;
    if (any_of(w, {"incident", "incidents"}))
      t = ticket_type::incident;
    else if (any_of(w, {"change", "changes"}))
      t = ticket_type::change;
    else if (any_of(w, {"problem", "problems"}))
      t = ticket_type::problem;
    if (t && std::find(out.begin(), out.end(), *t) == out.end())
      out.push_back(*t);
  }
  return out;
}

std::optional<ticket_type> type_of_value(std::string_view value) {
  auto f = folded(value);
  if (f == "inc" || f.find("incident") != std::string::npos)
    return ticket_type::incident;
  if (f == "chg" || f == "crq" || f.find("change") != std::string::npos)
    return ticket_type::change;
  if (f == "prb" || f == "pbi" || f.find("problem") != std::string::npos)
    return ticket_type::problem;
  return std::nullopt;
}

std::optional<std::string_view> field_of(std::string_view element) {
  auto f = folded(element);
  for (auto& [json, names] : field_names())
    for (auto n : names)
      if (f == n)
        return json;
  return std::nullopt;
}

std::optional<std::string_view> filter_of(std::string_view element) {
  auto f = folded(element);
  if (any_of(f, {"updatedsince", "modifiedafter", "changedsince", "since",
                 "updatedafter", "modifiedsince"}))
    return std::string_view{"updated_since"};
  auto field = field_of(element);
  if (field
      && any_of(std::string{*field},
                {"ticket_id", "status", "external_reference",
                 "configuration_item", "assignment_group"}))
    return field;
  return std::nullopt;
}

bool names_ticket_id(std::string_view element) {
  return field_of(element) == std::optional<std::string_view>{"ticket_id"};
}

bool names_work_note(std::string_view element) {
  return contains_any(folded(element), {"note", "comment", "journal",
                                        "worklog", "remark"});
}

bool names_limit(std::string_view element) {
  auto f = folded(element);
  return contains_any(f, {"max", "limit", "pagesize", "rows", "top"});
}

bool names_total(std::string_view element) {
  return contains_any(folded(element), {"total", "count", "hits", "matches"});
}

bool names_filter(std::string_view element) {
  return contains_any(folded(element), {"filter", "criteria", "where",
                                        "query", "search", "condition"});
}

bool names_fault_code(std::string_view element) {
  auto f = folded(element);
  return f == "code" || f == "errorcode" || f == "faultcode" || f == "id"
         || f == "reasoncode";
}

bool names_fault_message(std::string_view element) {
  auto f = folded(element);
  return contains_any(f, {"message", "text", "reason", "description"})
         && !names_fault_code(element);
}

std::optional<std::string_view> our_code_of(std::string_view wire) {
  auto f = folded(wire);
  // The more specific words first: "invalid state" is a TRANSITION.
  static const std::vector<
    std::pair<std::string_view, std::vector<std::string_view>>>
    hints{{"NOT_FOUND", {"notfound", "missing", "nosuch", "unknown"}},
          {"AUTH", {"auth", "login", "denied", "permission", "credential"}},
          {"UNSUPPORTED", {"unsupported", "notimplemented", "noop"}},
          {"UNAVAILABLE", {"unavailable", "down", "busy", "timeout"}},
          {"TRANSITION", {"transition", "state", "status"}},
          {"VALIDATION", {"validation", "valid", "input", "bad"}}};
  for (auto& [ours, words] : hints)
    for (auto w : words)
      if (f.find(w) != std::string::npos)
        return ours;
  return std::nullopt;
}

} // namespace usms::soap::wsdl
