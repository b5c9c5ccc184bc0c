#include "tests/support/offload_files.hpp"

#include <filesystem>
#include <fstream>

namespace usms::test {

std::map<std::string, int> offloaded_ids(const std::string& dir) {
  std::map<std::string, int> ids;
  if (!std::filesystem::exists(dir))
    return ids;
  for (auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (f.path().extension() != ".csv")
      continue;
    std::ifstream in{f.path()};
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("row_id,", 0) == 0)
        continue;
      // row_id, then the request id.
      auto first = line.find(',');
      auto second = line.find(',', first + 1);
      ++ids[line.substr(first + 1, second - first - 1)];
    }
  }
  return ids;
}

} // namespace usms::test
