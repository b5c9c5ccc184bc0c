#pragma once

#include <string_view>

namespace usms::contract_files {

/// The text of the built-in contract file of USMS API version 1 or 2
/// (contract/usms-v1.toml, usms-v2.toml), compiled in.
std::string_view builtin_toml(int api_version);

} // namespace usms::contract_files
