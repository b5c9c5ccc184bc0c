#include "test_support.hpp"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
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

ticket_fields full_ticket(const soap::contract& k, ticket_type type,
                          const std::string& id) {
  ticket_fields out;
  for (auto& [name, value] : writable_fields(type)) {
    auto i = soap::model_field_index(name);
    if (k.field_tags[static_cast<std::size_t>(i)])
      out[name] = value;
  }
  out["TicketId"] = id;
  out["CreatedAt"] = "2026-11-27T09:00:00Z";
  out["UpdatedAt"] = "2026-11-27T09:30:00+02:00";
  return out;
}

std::string contract_path(const std::string& name) {
  return std::string{USMS_SOURCE_DIR} + "/contract/" + name;
}

const soap::contract& builtin(int v) {
  return *soap::builtin_contract(v);
}

const soap::contract& example(const std::string& file) {
  static std::map<std::string, std::shared_ptr<const soap::contract>> loaded;
  auto& c = loaded[file];
  if (!c) {
    auto r = soap::load_contract_file(contract_path("examples/" + file));
    INFO(file);
    REQUIRE(r.ok());
    c = *r;
  }
  return *c;
}

std::vector<const soap::contract*> all_contracts() {
  return {&builtin(1), &builtin(2), &example("acme-itsm.toml"),
          &example("orion-osb.toml")};
}

std::vector<soap::call> all_calls(const soap::contract& k) {
  std::vector<soap::call> out;
  for (auto type :
       {ticket_type::incident, ticket_type::change, ticket_type::problem}) {
    auto keep_carried = [&](const soap::operation& op, ticket_fields fields) {
      ticket_fields kept;
      for (auto& [name, value] : fields)
        if (op.carries(static_cast<std::size_t>(soap::model_field_index(name))))
          kept[name] = value;
      return kept;
    };
    if (auto op = k.sent(action::create, type)) {
      soap::call create;
      create.act = action::create;
      create.type = type;
      create.fields = keep_carried(*op, writable_fields(type));
      out.push_back(create);
    }
    if (auto op = k.sent(action::update, type)) {
      soap::call update;
      update.act = action::update;
      update.type = type;
      update.ticket_id = "TKT-<42>&";
      update.fields = keep_carried(*op, writable_fields(type));
      update.fields.erase("Summary");
      if (op->work_note)
        update.work_note = "note: " + nasty;
      out.push_back(update);
    }
    if (auto op = k.sent(action::query, type)) {
      soap::call query;
      query.act = action::query;
      query.type = type;
      ticket_fields filter{
        {"TicketId", "X&1"},
        {"Status", std::string{status_values(type).front()}},
        {"ExternalReference", "ext-<1>"},
        {"ConfigurationItem", "ci \xF0\x9F\x9A\xA8"},
        {"AssignmentGroup", "NOC 'B'"},
        {"UpdatedSince", "2026-01-01T00:00:00-05:00"}};
      for (auto& [name, value] : filter)
        if (op->filters_by(
              static_cast<std::size_t>(soap::model_filter_index(name))))
          query.filter[name] = value;
      query.max_results = 25;
      out.push_back(query);
    }
  }
  return out;
}

soap::answer sample_answer(const soap::contract& k, const soap::call& c) {
  soap::answer a;
  switch (c.act) {
    case action::create:
      a.ticket_id = "INC<0001>&'\"";
      break;
    case action::update:
      a.tickets.push_back(full_ticket(k, c.type, c.ticket_id));
      break;
    case action::query:
      a.total_count = 1234;
      a.tickets.push_back(full_ticket(k, c.type, "A-1"));
      a.tickets.push_back(full_ticket(k, c.type, "A-2"));
      a.tickets.back()["Summary"] = std::string(1000, 'x');
      break;
  }
  return a;
}

std::string describe(const soap::contract& k, const soap::call& c) {
  return k.name + ": " + std::string{to_string(c.act)} + " "
         + std::string{to_string(c.type)};
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
