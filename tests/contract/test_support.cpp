#include "test_support.hpp"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace usms::test {

std::string sample_value(const field_def& def, ticket_type type,
                         const std::string& text) {
  switch (def.kind) {
    case field_kind::priority:
      return def.soap_name == "Priority" ? "2" : "4";
    case field_kind::boolean:
      return "true";
    case field_kind::date_time:
      return def.soap_name == "PlannedEnd" ? "2026-11-27T12:30:00.250+01:00"
                                           : "2026-11-27T10:00:00Z";
    case field_kind::change_type:
      return "Emergency";
    case field_kind::status:
      return std::string{status_values(type).back()};
    case field_kind::text:
      break;
  }
  return std::string{def.soap_name} + ": " + text;
}

ticket_fields writable_fields(ticket_type type) {
  ticket_fields out;
  for (auto& def : ticket_field_defs())
    if (field_allowed(def, type) && !def.read_only)
      out[std::string{def.soap_name}] = sample_value(def, type);
  return out;
}

ticket_fields full_ticket(ticket_type type, const std::string& id) {
  auto out = writable_fields(type);
  out["TicketId"] = id;
  out["CreatedAt"] = "2026-11-27T09:00:00Z";
  out["UpdatedAt"] = "2026-11-27T09:30:00+02:00";
  return out;
}

std::vector<soap::call> all_calls() {
  std::vector<soap::call> out;
  for (int v : {1, 2}) {
    soap::call c;
    c.op = soap::operation::create_incident;
    c.api_version = v;
    c.type = ticket_type::incident;
    for (auto name : {"Summary", "Description", "Priority", "Category",
                      "AssignmentGroup", "ConfigurationItem",
                      "ExternalReference", "ReportedBy"})
      c.fields[name]
        = sample_value(*field_by_soap_name(name), ticket_type::incident);
    out.push_back(c);
  }
  for (auto type :
       {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
    soap::call create;
    create.op = soap::operation::create_ticket;
    create.type = type;
    create.fields = writable_fields(type);
    out.push_back(create);

    soap::call update;
    update.op = soap::operation::update_ticket;
    update.type = type;
    update.ticket_id = "TKT-<42>&";
    update.fields = writable_fields(type);
    update.fields.erase("Summary");
    update.work_note = "note: " + nasty;
    out.push_back(update);

    soap::call query;
    query.op = soap::operation::query_tickets;
    query.type = type;
    query.filter = {{"TicketId", "X&1"},
                    {"Status", std::string{status_values(type).front()}},
                    {"ExternalReference", "ext-<1>"},
                    {"ConfigurationItem", "ci \xF0\x9F\x9A\xA8"},
                    {"AssignmentGroup", "NOC 'B'"},
                    {"UpdatedSince", "2026-01-01T00:00:00-05:00"}};
    query.max_results = 25;
    out.push_back(query);
  }
  return out;
}

soap::answer sample_answer(const soap::call& c) {
  soap::answer a;
  switch (c.op) {
    case soap::operation::create_incident:
    case soap::operation::create_ticket:
      a.ticket_id = "INC<0001>&'\"";
      break;
    case soap::operation::update_ticket:
      a.tickets.push_back(full_ticket(c.type, c.ticket_id));
      break;
    case soap::operation::query_tickets:
      a.total_count = 1234;
      a.tickets.push_back(full_ticket(c.type, "A-1"));
      a.tickets.push_back(full_ticket(c.type, "A-2"));
      a.tickets.back()["Summary"] = std::string(1000, 'x');
      break;
  }
  return a;
}

std::string make_temp_dir() {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path()
             / ("usms-contract-" + std::to_string(::getpid()) + "-"
                + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  return dir.string();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run(const std::string& command, std::string& output) {
  output.clear();
  auto pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe)
    return -1;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
    output.append(buf.data(), n);
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool tool_installed(const std::string& probe, const std::string& what) {
  std::string output;
  if (run(probe, output) == 0)
    return true;
  // The last line says why (a Python traceback ends with the error).
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r'))
    output.pop_back();
  auto last = output.substr(output.rfind('\n') + 1);
  auto why = what + " is not installed (`" + probe + "` failed: " + last
             + "); scripts/setup installs it";
  if (std::getenv("CI") != nullptr)
    FAIL(why + ". CI is set, so a missing tool is a failure.");
  WARN("SKIPPED: " + why + ". Without it this check does not run; with CI "
       "set it fails.");
  return false;
}

} // namespace usms::test
