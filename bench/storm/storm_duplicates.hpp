#pragma once

/// Duplicate accounting: the creates the simulator saw per
/// ExternalReference against the creates the storm sent with it.

#include <cstdint>
#include <vector>

#include "bench/storm/storm_file.hpp"
#include "bench/storm/storm_intake.hpp"
#include "bench/storm/storm_outcomes.hpp"
#include "bench/storm/storm_probes.hpp"

namespace usms::bench {

struct duplicate_figures {
  int64_t created = 0;         ///< creates the simulator saw for the storm
  int64_t duplicated = 0;      ///< creates beyond those sent
  int64_t missing_in_usms = 0; ///< succeeded, but the simulator has none
};

/// Compares the simulator's creates during the storm (`after` minus
/// `before`) with the creates sent per ExternalReference (the correlation
/// id, else the request id the gateway gave).
duplicate_figures count_duplicates(const std::vector<storm_request>& storm,
                                   const std::vector<slot>& slots,
                                   const std::vector<status_row>& rows,
                                   const creates_by_reference& before,
                                   const creates_by_reference& after);

} // namespace usms::bench
