#include "cli/contract_command.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/exit_codes.hpp"
#include "contract/wsdl_draft.hpp"

namespace usms::cli {

command_result draft_contract_file(const std::string& wsdl_path,
                                   const std::string& output) {
  command_result r;
  std::ifstream in(wsdl_path, std::ios::binary);
  if (!in) {
    r.exit_code = exit_usage;
    r.err = "usmsctl: cannot read " + wsdl_path + "\n";
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto name = std::filesystem::path(wsdl_path).filename().string();
  auto draft = soap::draft_contract(text.str(), name);
  if (!draft) {
    r.exit_code = exit_usage;
    r.err = "usmsctl: " + wsdl_path + ": " + draft.error().message + "\n";
    return r;
  }
  if (output.empty()) {
    r.out = *draft + "\n";
    return r;
  }
  // A draft never replaces a contract someone has finished.
  if (std::filesystem::exists(output)) {
    r.exit_code = exit_usage;
    r.err = "usmsctl: " + output + " exists; not overwriting it\n";
    return r;
  }
  std::ofstream file(output, std::ios::binary);
  file << *draft << "\n";
  if (!file) {
    r.exit_code = exit_usage;
    r.err = "usmsctl: cannot write " + output + "\n";
    return r;
  }
  r.err = "usmsctl: drafted " + output
          + "; settle its TODO lines before using it\n";
  return r;
}

} // namespace usms::cli
