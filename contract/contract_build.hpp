#pragma once

/// What the contract loader's parts share: name checks, reading the
/// [[operation]] tables, the checks across the whole contract, and the
/// pre-encoding of envelope pieces. Internal to contract/.

#include <string_view>

#include "contract/contract.hpp"
#include "contract/contract_toml.hpp"

namespace usms::soap {

/// An XML name without a colon (element names, prefixes, operation names).
bool is_xml_name(std::string_view s);

/// A namespace URI as a contract may name it: not empty, no whitespace,
/// nothing that would need escaping in an attribute.
bool is_namespace_uri(std::string_view s);

/// Reads one [[operation]] table (`index` counts from 0) into `c`.
bool read_operation(const toml::table& t, int index, contract& c,
                    toml_read::problems& p);

/// The checks that span operations; fills `c.sent_ops`.
bool check_contract(contract& c, toml_read::problems& p);

/// Encodes the fixed envelope pieces and tags of a checked contract.
void encode_contract(contract& c);

} // namespace usms::soap
