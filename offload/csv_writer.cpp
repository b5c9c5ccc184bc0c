#include "offload/csv_writer.hpp"

namespace usms::offload {

namespace {

constexpr const char* columns[]
  = {"row_id", "request_id", "accepted_at",    "finished_at",
     "action", "type",       "ticket_id",      "status",
     "reason", "source",     "correlation_id", "attempts",
     "cause",  "alarm_key"};

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
  field(std::to_string(row.attempts));
  field(row.cause);
  field(row.alarm_key, true);
}

std::optional<std::string> upgrade_csv(std::string_view file) {
  auto end = file.find("\r\n");
  if (end == std::string_view::npos)
    return std::nullopt;
  auto header = csv_header();
  auto old = file.substr(0, end + 2);
  // An older header names a first part of today's columns, in order.
  if (old.size() >= header.size() || old.size() < 3
      || header.compare(0, old.size() - 2, old.substr(0, old.size() - 2)) != 0
      || header[old.size() - 2] != ',')
    return std::nullopt;
  std::size_t missing = 0;
  for (auto i = old.size() - 2; i < header.size(); ++i)
    if (header[i] == ',')
      ++missing;
  std::string empty_fields(missing, ',');
  std::string out = header;
  out.reserve(file.size() + header.size());
  // Each record ends at a CRLF outside quotes; its new fields go before it.
  bool quoted = false;
  for (auto i = end + 2; i < file.size(); ++i) {
    char c = file[i];
    if (c == '"')
      quoted = !quoted;
    if (!quoted && c == '\r' && i + 1 < file.size() && file[i + 1] == '\n')
      out += empty_fields;
    out += c;
  }
  return out;
}

bool has_current_header(std::string_view file) {
  auto header = csv_header();
  return file.substr(0, header.size()) == header;
}

} // namespace usms::offload
