#include "offload/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace usms::offload {

namespace {

failure sys_failure(const std::string& what, const std::string& path,
                    int err) {
  return failure{what + " " + path + ": " + std::strerror(err), "io"};
}

/// Closes a descriptor on scope exit.
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

std::string parent_of(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos)
    return ".";
  if (pos == 0)
    return "/";
  return path.substr(0, pos);
}

result<bool> fsync_dir(const std::string& dir) {
  fd_guard d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0)
    return sys_failure("cannot open folder", dir, errno);
  if (::fsync(d.fd) != 0)
    return sys_failure("cannot sync folder", dir, errno);
  return true;
}

bool write_all(int fd, int64_t offset, std::string_view bytes, int& err) {
  while (!bytes.empty()) {
    auto n = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      err = errno;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return true;
}

} // namespace

result<file_state> stat_file(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return file_state{};
    return sys_failure("cannot stat", path, errno);
  }
  if (!S_ISREG(st.st_mode))
    return failure{"not a regular file: " + path, "io"};
  return file_state{true, static_cast<int64_t>(st.st_size)};
}

result<bool> ensure_dir(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return false;
    return failure{"not a folder: " + path, "io"};
  }
  if (errno != ENOENT)
    return sys_failure("cannot stat", path, errno);
  auto parent = parent_of(path);
  if (parent != path) {
    auto up = ensure_dir(parent);
    if (!up)
      return up;
  }
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    return sys_failure("cannot create folder", path, errno);
  // The new entry must survive a power cut before files are put in it.
  auto synced = fsync_dir(parent);
  if (!synced)
    return synced;
  return true;
}

result<bool> write_at(const std::string& path, int64_t offset,
                      std::string_view bytes) {
  auto before = stat_file(path);
  if (!before)
    return before.error();
  fd_guard f{::open(path.c_str(),
                    O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)};
  if (f.fd < 0)
    return sys_failure("cannot open", path, errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0)
    return sys_failure("cannot stat", path, errno);
  if (st.st_size < offset)
    return failure{"file " + path + " is shorter than expected ("
                     + std::to_string(st.st_size) + " < "
                     + std::to_string(offset) + " bytes)",
                   "io"};
  if (st.st_size > offset && ::ftruncate(f.fd, offset) != 0)
    return sys_failure("cannot truncate", path, errno);
  int err = 0;
  if (!write_all(f.fd, offset, bytes, err))
    return sys_failure("cannot write", path, err);
  if (::fsync(f.fd) != 0)
    return sys_failure("cannot sync", path, errno);
  if (!before->exists) {
    auto synced = fsync_dir(parent_of(path));
    if (!synced)
      return synced;
  }
  return !before->exists;
}

namespace {

/// Reads up to `length` bytes at `offset` of the open file `fd`; fewer at
/// its end.
result<std::string> read_at(int fd, const std::string& path, int64_t offset,
                            int64_t length) {
  std::string bytes(static_cast<size_t>(length), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    auto n = ::pread(fd, bytes.data() + done, bytes.size() - done,
                     offset + static_cast<int64_t>(done));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return sys_failure("cannot read", path, errno);
    }
    if (n == 0)
      break;
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

} // namespace

result<bool> holds_bytes(const std::string& path, int64_t offset,
                         int64_t length, uint64_t expected) {
  auto st = stat_file(path);
  if (!st)
    return st.error();
  if (!st->exists || st->size < offset + length)
    return false;
  fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (f.fd < 0)
    return sys_failure("cannot open", path, errno);
  auto bytes = read_at(f.fd, path, offset, length);
  if (!bytes)
    return bytes.error();
  return static_cast<int64_t>(bytes->size()) == length
         && checksum(*bytes) == expected;
}

result<std::string> read_file(const std::string& path, int64_t max_bytes) {
  auto st = stat_file(path);
  if (!st)
    return st.error();
  if (!st->exists)
    return std::string{};
  fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (f.fd < 0)
    return sys_failure("cannot open", path, errno);
  auto length = max_bytes < 0 ? st->size : std::min(st->size, max_bytes);
  return read_at(f.fd, path, 0, length);
}

result<bool> replace_file(const std::string& path, std::string_view bytes) {
  auto temp = path + ".rewrite";
  {
    fd_guard f{::open(temp.c_str(),
                      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                      0644)};
    if (f.fd < 0)
      return sys_failure("cannot open", temp, errno);
    int err = 0;
    if (!write_all(f.fd, 0, bytes, err))
      return sys_failure("cannot write", temp, err);
    if (::fsync(f.fd) != 0)
      return sys_failure("cannot sync", temp, errno);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0)
    return sys_failure("cannot rename " + temp + " to", path, errno);
  return fsync_dir(parent_of(path));
}

result<bool> truncate_to(const std::string& path, int64_t size) {
  auto st = stat_file(path);
  if (!st)
    return st.error();
  if (!st->exists || st->size <= size)
    return false;
  fd_guard f{::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (f.fd < 0)
    return sys_failure("cannot open", path, errno);
  if (::ftruncate(f.fd, size) != 0)
    return sys_failure("cannot truncate", path, errno);
  if (::fsync(f.fd) != 0)
    return sys_failure("cannot sync", path, errno);
  return true;
}

uint64_t checksum(std::string_view bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

} // namespace usms::offload
