#include "offload/janitor.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace usms::offload {

namespace {

/// The entries of an open folder (names only, "." and ".." left out).
/// Takes ownership of `fd`.
std::vector<std::string> list(int fd) {
  std::vector<std::string> names;
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return names;
  }
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..")
      names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string error_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

void note(janitor_report& rep, std::string message) {
  if (!rep.error.empty())
    rep.error += "; ";
  rep.error += message;
}

} // namespace

janitor_report sweep(const std::string& root, time_point now,
                     std::chrono::milliseconds retention, zone_ptr zone) {
  janitor_report rep;
  if (retention.count() <= 0)
    return rep;
  int root_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) {
    if (errno != ENOENT) // nothing offloaded yet
      note(rep, error_text("cannot open offload folder", root));
    return rep;
  }
  auto cutoff = now - retention;
  int list_fd = ::dup(root_fd);
  for (auto& day_name : list(list_fd)) {
    auto day = parse_day_folder(day_name);
    if (!day)
      continue;
    struct stat st {};
    if (::fstatat(root_fd, day_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0
        || !S_ISDIR(st.st_mode))
      continue; // a link or a file with a day's name is not ours
    int day_fd = ::openat(root_fd, day_name.c_str(),
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (day_fd < 0) {
      note(rep, error_text("cannot open", root + "/" + day_name));
      continue;
    }
    int day_list_fd = ::dup(day_fd);
    for (auto& name : list(day_list_fd)) {
      auto w = parse_file_name(name, *day);
      if (!w)
        continue;
      if (::fstatat(day_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0
          || !S_ISREG(st.st_mode))
        continue;
      if (local_instant(w->day, w->start_hour + w->hours, zone) > cutoff)
        continue;
      auto rel = day_name + "/" + name;
      if (::unlinkat(day_fd, name.c_str(), 0) != 0) {
        note(rep, error_text("cannot remove", root + "/" + rel));
        continue;
      }
      rep.removed.push_back(rel);
      ++rep.files;
    }
    ::close(day_fd);
    if (local_instant(*day, 24, zone) > cutoff)
      continue;
    // Only an empty folder goes: anything foreign inside keeps it.
    if (::unlinkat(root_fd, day_name.c_str(), AT_REMOVEDIR) == 0) {
      rep.removed.push_back(day_name);
      ++rep.folders;
    } else if (errno != ENOTEMPTY && errno != EEXIST) {
      note(rep, error_text("cannot remove", root + "/" + day_name));
    }
  }
  ::close(root_fd);
  return rep;
}

} // namespace usms::offload
