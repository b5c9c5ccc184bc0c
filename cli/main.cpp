// usmsctl: the gateway's client for automation scripts (docs/usmsctl.md).
// Sends create, update, query and get requests, waits when asked, prints
// the gateway's JSON answer and exits with a code a script can branch on.

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/contract_command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/field_args.hpp"
#include "cli/gateway_client.hpp"

namespace {

const char* exit_code_help =
  "Output: the gateway's JSON answer (the request record) on stdout; errors "
  "as JSON on stderr.\n"
  "Exit codes:\n"
  "  0  the ticket request succeeded\n"
  "  1  the ticket request failed or was cancelled (see \"reason\")\n"
  "  2  bad usage (unknown option, bad KEY=VALUE)\n"
  "  3  the gateway was unreachable or refused the request (4xx/5xx)\n"
  "  4  still unfinished when the wait ran out (or no --wait given)\n"
  "Environment: USMS_GATEWAY_URL (default http://127.0.0.1:8080), "
  "USMS_GATEWAY_TOKEN,\n"
  "USMS_GATEWAY_CACERT, USMS_GATEWAY_CERT, USMS_GATEWAY_KEY.";

const std::vector<std::string> ticket_types{"incident", "change", "problem"};

/// Options of the ticket subcommands, filled by CLI11.
struct ticket_options {
  std::string type;
  std::string ticket_id;
  std::string summary;
  std::vector<std::string> fields;
  std::vector<std::string> filters;
  std::string status;
  std::optional<int> limit;
  std::string source, correlation_id, reply_to, work_note;
  std::string request_id;
};

void add_wait(CLI::App* cmd, std::optional<double>& wait) {
  cmd->add_option("--wait", wait,
                  "seconds to wait for the request to finish (0: do not "
                  "wait)")
    ->check(CLI::NonNegativeNumber);
}

void add_fields(CLI::App* cmd, std::vector<std::string>& fields) {
  cmd->add_option("--field,-f", fields,
                  "ticket field KEY=VALUE, repeatable (priority, impact, "
                  "urgency as numbers; known_error true/false)")
    ->allow_extra_args(false);
}

} // namespace

int main(int argc, char** argv) {
  using namespace usms::cli;
  CLI::App app{"usmsctl: create, update and query USMS tickets through the "
               "USMS Ticket Gateway."};
  app.footer(exit_code_help);
  app.set_version_flag("--version", std::string{"usmsctl "} + USMS_VERSION);
  app.require_subcommand(1);

  std::string gateway = "http://127.0.0.1:8080";
  std::string token;
  bool pretty = false;
  std::string idempotency_key;
  app.add_option("--gateway,-g", gateway, "gateway base URL")
    ->envname("USMS_GATEWAY_URL")
    ->capture_default_str();
  app.add_option("--token", token, "API token (Authorization: Bearer)")
    ->envname("USMS_GATEWAY_TOKEN");
  app.add_flag("--pretty", pretty, "indent the JSON output");
  tls_files tls;
  app.add_option("--cacert", tls.ca_file,
                 "PEM CA certificate(s) to trust for an https gateway "
                 "(default: the system's)")
    ->envname("USMS_GATEWAY_CACERT");
  auto* cert = app.add_option("--cert", tls.cert_file,
                 "PEM client certificate, for a gateway that asks for one "
                 "(mTLS)")
    ->envname("USMS_GATEWAY_CERT");
  app.add_option("--key", tls.key_file,
                 "PEM key of --cert (default: inside the --cert file)")
    ->envname("USMS_GATEWAY_KEY")
    ->needs(cert);

  ticket_options t;
  std::optional<double> wait;

  auto* create = app.add_subcommand("create", "create a ticket");
  create->add_option("TYPE", t.type, "incident, change or problem")
    ->required()
    ->check(CLI::IsMember(ticket_types));
  create->add_option("--summary,-s", t.summary, "the ticket's summary")
    ->required();
  add_fields(create, t.fields);
  create->add_option("--source", t.source,
                     "who sends it (picks the reply route)");
  create->add_option("--correlation-id", t.correlation_id,
                     "your reference, sent as ExternalReference");
  create->add_option("--reply-to", t.reply_to,
                     "webhook URL for the outcome");
  create->add_option("--idempotency-key", idempotency_key,
                     "the same key twice creates one request");
  add_wait(create, wait);

  auto* update = app.add_subcommand("update", "update a ticket");
  update->add_option("TYPE", t.type, "incident, change or problem")
    ->required()
    ->check(CLI::IsMember(ticket_types));
  update->add_option("TICKET_ID", t.ticket_id, "the USMS ticket id")
    ->required();
  add_fields(update, t.fields);
  update->add_option("--work-note", t.work_note,
                     "a work note to add to the ticket");
  update->add_option("--source", t.source, "who sends it");
  update->add_option("--correlation-id", t.correlation_id,
                     "your reference");
  update->add_option("--reply-to", t.reply_to,
                     "webhook URL for the outcome");
  update->add_option("--idempotency-key", idempotency_key,
                     "the same key twice creates one request");
  add_wait(update, wait);

  auto* query = app.add_subcommand("query", "query tickets");
  query->add_option("TYPE", t.type, "incident, change or problem")
    ->required()
    ->check(CLI::IsMember(ticket_types));
  query->add_option("--status", t.status, "only tickets in this status");
  query->add_option("--filter", t.filters,
                    "KEY=VALUE filter, repeatable (e.g. "
                    "configuration_item=router-7)")
    ->allow_extra_args(false);
  query->add_option("--limit", t.limit, "most tickets to return")
    ->check(CLI::PositiveNumber);
  add_wait(query, wait);

  auto* get = app.add_subcommand("get", "show a request by its id");
  get->add_option("REQUEST_ID", t.request_id, "the id create/update/query "
                                              "printed")
    ->required();
  add_wait(get, wait);

  auto* health = app.add_subcommand(
    "health", "check that the gateway answers /healthz (exit 0 or 3)");

  auto* contract = app.add_subcommand(
    "contract", "work with USMS contract files (docs/contract-file.md)");
  contract->require_subcommand(1);
  std::string wsdl_file, draft_out;
  auto* from_wsdl = contract->add_subcommand(
    "from-wsdl", "draft a contract file from an operator's document/literal "
                 "WSDL: a starting point whose TODO lines a person settles");
  from_wsdl->add_option("WSDL", wsdl_file, "the WSDL file (schemas inline)")
    ->required();
  from_wsdl->add_option("--out,-o", draft_out,
                        "write the draft to this new file (default: stdout)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end with 0; every real parse error is usage.
    return app.exit(e) == 0 ? exit_succeeded : exit_usage;
  }

  ticket_body body;
  for (auto& arg : t.fields) {
    auto parsed = parse_field_arg(arg);
    if (auto* err = std::get_if<std::string>(&parsed)) {
      std::cerr << "usmsctl: --field " << *err << std::endl;
      return exit_usage;
    }
    body.fields.push_back(std::get<field_arg>(std::move(parsed)));
  }
  std::vector<std::pair<std::string, std::string>> filter;
  if (!t.status.empty())
    filter.emplace_back("status", t.status);
  for (auto& arg : t.filters) {
    auto parsed = parse_pair_arg(arg);
    if (auto* err = std::get_if<std::string>(&parsed)) {
      std::cerr << "usmsctl: --filter " << *err << std::endl;
      return exit_usage;
    }
    filter.push_back(
      std::get<std::pair<std::string, std::string>>(std::move(parsed)));
  }
  auto optional = [](const std::string& s) -> std::optional<std::string> {
    if (s.empty())
      return std::nullopt;
    return s;
  };
  body.source = optional(t.source);
  body.correlation_id = optional(t.correlation_id);
  body.reply_to = optional(t.reply_to);
  body.work_note = optional(t.work_note);

  wait_options w;
  w.wait = wait;
  w.pretty = pretty;
  w.idempotency_key = idempotency_key;

  gateway_client gw{gateway, token, tls};
  command_result res;
  if (create->parsed()) {
    // --summary is the one field every create needs; it goes first.
    body.fields.insert(body.fields.begin(),
                       std::get<field_arg>(parse_field_arg("summary="
                                                           + t.summary)));
    res = create_ticket(gw, t.type, body, w);
  } else if (update->parsed()) {
    res = update_ticket(gw, t.type, t.ticket_id, body, w);
  } else if (query->parsed()) {
    res = query_tickets(gw, t.type, filter, t.limit, w);
  } else if (get->parsed()) {
    res = get_request(gw, t.request_id, w);
  } else if (health->parsed()) {
    res = check_health(gw, pretty);
  } else if (from_wsdl->parsed()) {
    res = draft_contract_file(wsdl_file, draft_out);
  }
  std::cout << res.out << std::flush;
  std::cerr << res.err << std::flush;
  return res.exit_code;
}
