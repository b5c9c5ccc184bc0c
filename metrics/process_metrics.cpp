#include "metrics/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "metrics/text_format.hpp"

namespace usms {

namespace {

/// The fields of /proc/self/stat after the command name, which may itself
/// hold spaces and parentheses: field 3 (state) comes first.
std::vector<std::string> stat_fields() {
  std::ifstream in{"/proc/self/stat"};
  std::string line;
  if (!std::getline(in, line))
    return {};
  auto close = line.rfind(')');
  if (close == std::string::npos)
    return {};
  std::istringstream rest{line.substr(close + 1)};
  std::vector<std::string> fields;
  for (std::string f; rest >> f;)
    fields.push_back(f);
  return fields;
}

/// The `btime` line of /proc/stat: when the machine booted (unix time).
int64_t boot_time() {
  std::ifstream in{"/proc/stat"};
  std::string key;
  int64_t value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value)
      return value;
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

int64_t count_open_fds() {
  std::error_code ec;
  int64_t n = 0;
  for (std::filesystem::directory_iterator it{"/proc/self/fd", ec}, end;
       !ec && it != end; it.increment(ec))
    ++n;
  return ec ? -1 : n;
}

} // namespace

std::optional<process_figures> read_process_figures() {
  // Numbered as in proc(5), less the two fields before the command's end.
  constexpr std::size_t utime = 14 - 3, stime = 15 - 3, starttime = 22 - 3,
                        vsize = 23 - 3, rss = 24 - 3;
  auto fields = stat_fields();
  if (fields.size() <= rss)
    return std::nullopt;
  auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  auto page = static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
  if (ticks <= 0 || page <= 0)
    return std::nullopt;
  process_figures p;
  try {
    p.cpu_seconds = static_cast<double>(std::stoull(fields[utime])
                                        + std::stoull(fields[stime]))
                    / ticks;
    p.start_time_seconds = static_cast<double>(boot_time())
                           + static_cast<double>(std::stoull(fields[starttime]))
                               / ticks;
    p.virtual_bytes = std::stoll(fields[vsize]);
    p.resident_bytes = std::stoll(fields[rss]) * page;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  p.open_fds = count_open_fds();
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0)
    p.max_fds = lim.rlim_cur == RLIM_INFINITY
                  ? -1
                  : static_cast<int64_t>(lim.rlim_cur);
  return p;
}

void render_process_metrics(std::string& out) {
  auto p = read_process_figures();
  if (!p)
    return;
  using prom::single;
  single(out, "process_cpu_seconds_total", "counter",
         "Total user and system CPU time spent in seconds.", p->cpu_seconds);
  single(out, "process_resident_memory_bytes", "gauge",
         "Resident memory size in bytes.", p->resident_bytes);
  single(out, "process_virtual_memory_bytes", "gauge",
         "Virtual memory size in bytes.", p->virtual_bytes);
  if (p->open_fds >= 0)
    single(out, "process_open_fds", "gauge",
           "Number of open file descriptors.", p->open_fds);
  if (p->max_fds >= 0)
    single(out, "process_max_fds", "gauge",
           "Maximum number of open file descriptors.", p->max_fds);
  single(out, "process_start_time_seconds", "gauge",
         "Start time of the process since unix epoch in seconds.",
         p->start_time_seconds);
}

} // namespace usms
