#pragma once

// Helpers shared by the contract tests: sample calls and answers with
// awkward values, temp files, and running xmllint / python (and what to do
// when they are missing).

#include <string>
#include <vector>

#include "contract/soap_codec.hpp"
#include "contract/ticket_fields.hpp"

namespace usms::test {

/// Text full of markup characters, whitespace and non-ASCII.
inline const std::string nasty
  = "<b>&amp; \"quoted\" 'single' ]]> -- St\xC3\xB6rung \xE2\x80\x93 "
    "\xE9\x9A\x9C\xE5\xAE\xB3 \xE2\x80\x93 \xF0\x9F\x9A\xA8\t\n\r\n  end  ";

/// A valid value for `def` on tickets of `type` (text gets `text`).
std::string sample_value(const field_def& def, ticket_type type,
                         const std::string& text = nasty);

/// Every writable field of `type`, filled with sample values.
ticket_fields writable_fields(ticket_type type);

/// Every field of `type`, read-only ones included (as USMS answers).
ticket_fields full_ticket(ticket_type type, const std::string& id);

/// Every call the codec can build: v1 CreateIncident, v2 CreateIncident,
/// and CreateTicket / UpdateTicket / QueryTickets for each ticket type.
std::vector<soap::call> all_calls();

/// A plausible answer to `c`.
soap::answer sample_answer(const soap::call& c);

/// A fresh directory under the system temp dir, removed by the caller.
std::string make_temp_dir();

void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

/// Runs `command` through the shell; returns its exit status and fills
/// `output` with stdout and stderr.
int run(const std::string& command, std::string& output);

/// Whether the tool a check needs is installed: `probe` (a shell command)
/// exits 0. When it is not, the check cannot run. With the environment
/// variable `CI` set that fails the test, since a CI machine must have every
/// tool; elsewhere the test warns "SKIPPED: <what> is not installed ..."
/// (CTest then reports it as skipped, not passed) and the caller returns.
bool tool_installed(const std::string& probe, const std::string& what);

} // namespace usms::test
