#pragma once

#include <string_view>

namespace usms::contract_files {

/// The WSDL the simulator serves at `/usms?wsdl` (self-contained: its types
/// section holds the schema) for API version 1 or 2.
std::string_view wsdl(int api_version);

/// The standalone XSD of API version 1 or 2 (the same schema).
std::string_view xsd(int api_version);

} // namespace usms::contract_files
