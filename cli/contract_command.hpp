#pragma once

/// `usmsctl contract from-wsdl FILE.wsdl`: drafts a contract file from an
/// operator's WSDL (docs/contract-file.md), for a person to finish.

#include <string>

#include "cli/commands.hpp"

namespace usms::cli {

/// The draft on `out` (exit 0), or why the file cannot be read or is no
/// document/literal WSDL on `err` (exit 2). With `output` set, the draft
/// goes to that file instead (never over an existing one).
command_result draft_contract_file(const std::string& wsdl_path,
                                   const std::string& output);

} // namespace usms::cli
