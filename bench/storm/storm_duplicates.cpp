#include "bench/storm/storm_duplicates.hpp"

#include <algorithm>

namespace usms::bench {

duplicate_figures count_duplicates(const std::vector<storm_request>& storm,
                                   const std::vector<slot>& slots,
                                   const std::vector<status_row>& rows,
                                   const creates_by_reference& before,
                                   const creates_by_reference& after) {
  duplicate_figures out;
  auto reference = [&](size_t i) {
    return storm[i].correlation_id.empty() ? slots[i].request_id
                                           : storm[i].correlation_id;
  };
  std::unordered_map<std::string, int64_t> sent_with;
  for (size_t i = 0; i < storm.size(); ++i) {
    if (storm[i].action != "create" || slots[i].first_sent_sys_us == 0)
      continue;
    auto ref = reference(i);
    if (!ref.empty())
      ++sent_with[ref];
  }
  auto created = [&](const std::string& ref) {
    auto a = after.find(ref);
    auto b = before.find(ref);
    return (a == after.end() ? 0 : a->second)
           - (b == before.end() ? 0 : b->second);
  };
  for (auto& [ref, count] : sent_with) {
    out.created += std::max<int64_t>(0, created(ref));
    out.duplicated += std::max<int64_t>(0, created(ref) - count);
  }
  for (size_t i = 0; i < storm.size(); ++i) {
    if (storm[i].action != "create" || !rows[i].found || !rows[i].succeeded)
      continue;
    if (created(reference(i)) <= 0)
      ++out.missing_in_usms;
  }
  return out;
}

} // namespace usms::bench
