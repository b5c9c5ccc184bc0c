#include "bench/storm/gateway_process.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace usms::bench {

proc_figures read_proc(int pid) {
  proc_figures f;
  if (pid <= 0)
    return f;
  std::ifstream st{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(st, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      f.rss_kb = std::atoll(line.c_str() + 6);
    else if (line.rfind("VmHWM:", 0) == 0)
      f.hwm_kb = std::atoll(line.c_str() + 6);
  }
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string all((std::istreambuf_iterator<char>(stat)),
                  std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos)
    return f;
  // Fields after the command: state(3) ... utime(14) stime(15).
  std::istringstream rest{all.substr(close + 2)};
  std::string tok;
  double ut = 0, stime = 0;
  for (int field = 3; field <= 15 && rest >> tok; ++field) {
    if (field == 14)
      ut = std::atof(tok.c_str());
    if (field == 15)
      stime = std::atof(tok.c_str());
  }
  f.cpu_s = (ut + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  f.ok = true;
  return f;
}

int find_gateway_pid() {
  int found = 0;
  DIR* d = opendir("/proc");
  if (!d)
    return 0;
  while (auto* e = readdir(d)) {
    int pid = std::atoi(e->d_name);
    if (pid <= 0)
      continue;
    std::ifstream in{std::string{"/proc/"} + e->d_name + "/cmdline"};
    std::string argv0;
    std::getline(in, argv0, '\0');
    auto slash = argv0.rfind('/');
    auto name = slash == std::string::npos ? argv0 : argv0.substr(slash + 1);
    if (name == "usms-gateway") {
      if (found != 0) {
        found = -1; // more than one: ambiguous
        break;
      }
      found = pid;
    }
  }
  closedir(d);
  return found > 0 ? found : 0;
}

} // namespace usms::bench
