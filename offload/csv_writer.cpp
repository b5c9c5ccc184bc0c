#include "offload/csv_writer.hpp"

namespace usms::offload {

namespace {

constexpr const char* columns[]
  = {"row_id", "request_id", "accepted_at",    "finished_at",
     "action", "type",       "ticket_id",      "status",
     "reason", "source",     "correlation_id", "attempts"};

} // namespace

std::string csv_header() {
  std::string out;
  for (auto* name : columns) {
    if (!out.empty())
      out += ',';
    out += name;
  }
  out += "\r\n";
  return out;
}

bool formula_like(std::string_view value) {
  if (value.empty())
    return false;
  switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

void append_field(std::string& out, std::string_view value, bool guard) {
  bool prefix = guard && formula_like(value);
  bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote)
    out += '"';
  if (prefix)
    out += '\'';
  for (char c : value) {
    if (c == '"')
      out += '"';
    out += c;
  }
  if (quote)
    out += '"';
}

void append_row(std::string& out, const status_row& row, zone_ptr zone,
                bool guard) {
  auto field = [&](std::string_view v, bool last = false) {
    append_field(out, v, guard);
    out += last ? "\r\n" : ",";
  };
  field(std::to_string(row.row_id));
  field(row.request_id);
  field(iso8601(row.accepted_at, zone));
  field(iso8601(row.finished_at, zone));
  field(row.action);
  field(row.type);
  field(row.ticket_id);
  field(row.status);
  field(row.reason);
  field(row.source);
  field(row.correlation_id);
  field(std::to_string(row.attempts), true);
}

} // namespace usms::offload
