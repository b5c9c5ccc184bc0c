#pragma once

/// What the offload wrote, as tests read it back.

#include <map>
#include <string>

namespace usms::test {

/// Request id → how many CSV rows under `dir` (recursively) carry it.
std::map<std::string, int> offloaded_ids(const std::string& dir);

} // namespace usms::test
