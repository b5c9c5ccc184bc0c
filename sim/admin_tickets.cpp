#include "sim/admin_tickets.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "contract/ticket_fields.hpp"
#include "sim/admin_json.hpp"
#include "transport/url.hpp"

namespace usms::sim {

namespace {

constexpr std::string_view prefix = "/admin/tickets/";

http::response ticket_answer(const ticket_store& store, const std::string& id) {
  auto ticket = store.get(id);
  if (!ticket)
    return json_response(404, error_json("no ticket " + id));
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("ticket");
  w.StartObject();
  for (auto& [name, value] : *ticket) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  w.Key("work_notes");
  w.StartArray();
  for (auto& note : store.work_notes(id))
    w.String(note.c_str(), static_cast<rapidjson::SizeType>(note.size()));
  w.EndArray();
  w.EndObject();
  return json_response(200, buf.GetString());
}

/// Reads `{"status", "work_note"}`; an error text, or "".
std::string read_change(std::string_view body, ticket_type type,
                        ticket_fields& changes, std::string& note) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject())
    return "the body must be a JSON object";
  for (auto& m : doc.GetObject()) {
    std::string name = m.name.GetString();
    if (!m.value.IsString())
      return name + " must be a string";
    std::string value = m.value.GetString();
    if (name == "status") {
      const auto* def = field_by_soap_name("Status");
      if (def != nullptr)
        if (auto err = check_field_value(*def, type, value); !err.empty())
          return err;
      changes["Status"] = value;
    } else if (name == "work_note") {
      note = value;
    } else {
      return "unknown key " + name + " (use status, work_note)";
    }
  }
  return {};
}

} // namespace

bool handle_admin_ticket(ticket_store& store, const http::request& req,
                         const http::responder& respond) {
  auto path = http::target_path(req.target);
  if (path.substr(0, prefix.size()) != prefix)
    return false;
  std::string id{path.substr(prefix.size())};
  auto type = ticket_store::type_of(id);
  if (!type) {
    respond(json_response(404, error_json("no ticket " + id)));
    return true;
  }
  if (req.method == "GET") {
    respond(ticket_answer(store, id));
    return true;
  }
  if (req.method != "PUT") {
    respond(json_response(405, error_json("GET or PUT /admin/tickets/{id}")));
    return true;
  }
  ticket_fields changes;
  std::string note;
  if (auto err = read_change(req.body, *type, changes, note); !err.empty()) {
    respond(json_response(400, error_json(err)));
    return true;
  }
  auto updated = store.update(*type, id, changes, note);
  if (!updated) {
    auto status = updated.error().code == "NOT_FOUND" ? 404u : 409u;
    respond(json_response(status, error_json(updated.error().message)));
    return true;
  }
  respond(ticket_answer(store, id));
  return true;
}

} // namespace usms::sim
