#include "tests/storage/fault_disk.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/missing_tool.hpp"

namespace usms::test {

namespace {

const char* const filler_name = "/filler";

/// Runs a shell command line; its exit code and what it printed.
int run_shell(const std::string& command, std::string& output) {
  output.clear();
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p)
    return -1;
  char buf[512];
  while (std::fgets(buf, sizeof(buf), p))
    output += buf;
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The device mounted on `dir` (from /proc/self/mounts), or "".
std::string device_of(const std::string& dir) {
  std::ifstream mounts{"/proc/self/mounts"};
  std::string line, found;
  while (std::getline(mounts, line)) {
    std::istringstream fields{line};
    std::string device, target;
    fields >> device >> target;
    if (target == dir)
      found = device; // the last one is on top
  }
  return found;
}

/// Appends zeros to `path` in `chunk`-byte writes until the disk says no.
void write_until_full(int fd, std::size_t chunk) {
  std::vector<char> zeros(chunk, 0);
  for (;;) {
    auto n = ::write(fd, zeros.data(), zeros.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < static_cast<ssize_t>(zeros.size()))
      return;
  }
}

} // namespace

std::unique_ptr<fault_disk> fault_disk::tmpfs(const std::string& dir,
                                              std::size_t bytes,
                                              std::string& why_not) {
  auto options = "size=" + std::to_string(bytes);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
    why_not = "cannot mount a tmpfs on " + dir + ": " + std::strerror(errno)
              + " (needs root or CAP_SYS_ADMIN)";
    return nullptr;
  }
  std::unique_ptr<fault_disk> disk{new fault_disk};
  disk->dir_ = dir;
  disk->mounted_ = true;
  return disk;
}

std::unique_ptr<fault_disk> fault_disk::ext4(const std::string& dir,
                                             std::size_t bytes,
                                             std::string& why_not) {
  std::unique_ptr<fault_disk> disk{new fault_disk};
  disk->dir_ = dir;
  // Beside the directory, not in it: the image must outlive the mount.
  disk->image_ = dir + ".ext4";
  { std::ofstream image{disk->image_, std::ios::binary}; }
  if (::truncate(disk->image_.c_str(), static_cast<off_t>(bytes)) != 0) {
    why_not
        = "cannot make the image " + disk->image_ + ": " + std::strerror(errno);
    return nullptr;
  }
  std::string out;
  if (run_shell("mkfs.ext4 -q -F " + disk->image_, out) != 0) {
    why_not = "mkfs.ext4 (e2fsprogs) failed or is missing: " + out;
    return nullptr;
  }
  try {
    disk->mount_image();
  } catch (const std::exception& e) {
    why_not = e.what();
    return nullptr;
  }
  return disk;
}

void fault_disk::mount_image() {
  std::string out;
  // -o loop attaches a loop device that goes away with the mount.
  if (run_shell("mount -o loop,errors=remount-ro " + image_ + " " + dir_, out)
      != 0)
    throw std::runtime_error("cannot mount the ext4 image on " + dir_
                             + " through a loop device (needs root or "
                               "CAP_SYS_ADMIN): "
                             + out);
  mounted_ = true;
}

fault_disk::~fault_disk() {
  if (mounted_)
    ::umount2(dir_.c_str(), MNT_DETACH);
  if (!image_.empty())
    ::unlink(image_.c_str());
}

void fault_disk::fill() {
  auto path = dir_ + filler_name;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  REQUIRE(fd >= 0);
  // Big writes first, then small ones for the last pages.
  write_until_full(fd, 1 << 20);
  write_until_full(fd, 4096);
  write_until_full(fd, 1);
  ::close(fd);
}

void fault_disk::free_space() {
  auto path = dir_ + filler_name;
  REQUIRE(::unlink(path.c_str()) == 0);
}

void fault_disk::fail_read_only() {
  REQUIRE_FALSE(image_.empty());
  auto device = device_of(dir_);
  REQUIRE(device.rfind("/dev/", 0) == 0);
  auto knob = "/sys/fs/ext4/" + device.substr(5) + "/trigger_fs_error";
  std::ofstream trigger{knob};
  REQUIRE(trigger.good());
  trigger << "the test made this file system read-only\n";
  trigger.close();
  REQUIRE_FALSE(trigger.fail());
}

void fault_disk::mount_again() {
  REQUIRE_FALSE(image_.empty());
  // Not lazy: the same image must not be mounted twice at once.
  REQUIRE(::umount2(dir_.c_str(), 0) == 0);
  mounted_ = false;
  mount_image();
}

void cannot_mount(const std::string& why_not) {
  if (in_ci())
    FAIL("CI is set, and storage faults must be tested there: " << why_not);
  WARN("storage fault test skipped: " << why_not);
}

} // namespace usms::test
