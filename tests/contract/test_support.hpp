#pragma once

// Helpers shared by the contract tests: the contracts they run on, sample
// calls and answers with awkward values, temp files, and running xmllint /
// python (and what to do when they are missing).

#include <memory>
#include <string>
#include <vector>

#include "contract/contract.hpp"
#include "contract/soap_codec.hpp"
#include "contract/ticket_fields.hpp"

namespace usms::test {

/// Text full of markup characters, whitespace and non-ASCII.
inline const std::string nasty
  = "<b>&amp; \"quoted\" 'single' ]]> -- St\xC3\xB6rung \xE2\x80\x93 "
    "\xE9\x9A\x9C\xE5\xAE\xB3 \xE2\x80\x93 \xF0\x9F\x9A\xA8\t\n\r\n  end  ";

/// The path of a file in the source tree's contract/ folder.
std::string contract_path(const std::string& name);

/// The built-in contract of API version `v`.
const soap::contract& builtin(int v);

/// An example contract of contract/examples/ by its file name.
const soap::contract& example(const std::string& file);

/// Every contract the codec tests run on: the built-in v1 and v2 and the
/// examples (acme-itsm.toml: one operation per type, fields directly in the
/// request, every value spelled its own way, faults in a namespace of their
/// own; orion-osb.toml: wrappers with other names, a second namespace, fault
/// codes of its own).
std::vector<const soap::contract*> all_contracts();

/// A valid value for `def` on tickets of `type` (text gets `text`).
std::string sample_value(const field_def& def, ticket_type type,
                         const std::string& text = nasty);

/// Every writable field of `type`, filled with sample values.
ticket_fields writable_fields(ticket_type type);

/// Every field of `type` that `k` maps, read-only ones included (as USMS
/// answers).
ticket_fields full_ticket(const soap::contract& k, ticket_type type,
                          const std::string& id);

/// Every call `k` can send: each action and type it offers, with sample
/// values in every field and filter its operation carries.
std::vector<soap::call> all_calls(const soap::contract& k);

/// A plausible answer to `c` in `k`.
soap::answer sample_answer(const soap::contract& k, const soap::call& c);

/// "query change" for messages.
std::string describe(const soap::contract& k, const soap::call& c);

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
