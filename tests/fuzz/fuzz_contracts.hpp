#pragma once

/// The contracts the SOAP and API fuzz targets run against: both built-in
/// USMS contracts and the two example contract files, which differ from
/// them in every way a contract can (no wrapper elements, other fault
/// layouts, one operation per type, value spellings).

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "contract/contract.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace usms::fuzz {

/// Contract `index % 4`: USMS API v2, USMS API v1, contract/examples'
/// acme-itsm and orion-osb (loaded once).
inline const soap::contract& fuzz_contract(unsigned index) {
  static const auto all = [] {
    auto example = [](const char* name) {
      auto k = soap::load_contract_file(std::string{USMS_FUZZ_EXAMPLES} + "/"
                                        + name);
      if (!k)
        std::fprintf(stderr, "%s\n", k.error().message.c_str());
      require(k.ok(), "an example contract does not load");
      return *k;
    };
    return std::array<std::shared_ptr<const soap::contract>, 4>{
      soap::builtin_contract(2), soap::builtin_contract(1),
      example("acme-itsm.toml"), example("orion-osb.toml")};
  }();
  return *all[index % all.size()];
}

} // namespace usms::fuzz
