#pragma once

/// Real storage faults for the tests: a small file system mounted on a
/// directory (where the gateway keeps its database), made full or
/// read-only by the kernel itself. Mounting needs root or CAP_SYS_ADMIN.
///
/// Why not a read-only remount of a tmpfs: Linux refuses to remount a file
/// system read-only (EBUSY) while a process has a file on it open for
/// writing, and the gateway keeps its database open. What makes a disk
/// read-only under a running program is the file system's own error
/// handling (`errors=remount-ro`), and ext4 can be told to take that path:
/// writes then fail with EROFS until the file system is unmounted.

#include <cstddef>
#include <memory>
#include <string>

namespace usms::test {

class fault_disk {
public:
  /// A tmpfs of `bytes` on `dir`; nullptr with `why_not` set when it
  /// cannot be mounted (not permitted, say).
  static std::unique_ptr<fault_disk>
  tmpfs(const std::string& dir, std::size_t bytes, std::string& why_not);

  /// An ext4 file system of `bytes` in an image file (kept outside `dir`),
  /// mounted on `dir` through a loop device with `errors=remount-ro`;
  /// nullptr with `why_not` set when that cannot be done (not permitted,
  /// mkfs.ext4 missing, no loop device).
  static std::unique_ptr<fault_disk>
  ext4(const std::string& dir, std::size_t bytes, std::string& why_not);

  /// Unmounts (lazily: a process may still have files open there; the
  /// file system goes once they are closed) and removes the image.
  ~fault_disk();
  fault_disk(const fault_disk&) = delete;
  fault_disk& operator=(const fault_disk&) = delete;

  /// Fills every free byte with a file of its own (again after space came
  /// free: call it once more to top up).
  void fill();
  /// Removes that file: the space is free again.
  void free_space();

  /// ext4 only: reports a file system error to ext4, which remounts it
  /// read-only as after a failed disk write. It stays so until unmounted.
  void fail_read_only();
  /// ext4 only: unmounts (nothing may have a file open there) and mounts
  /// the image again, writable, as an operator would after the error.
  void mount_again();

private:
  fault_disk() = default;
  void mount_image();

  std::string dir_;
  std::string image_; ///< ext4 only
  bool mounted_ = false;
};

/// Mounts with `make` or explains why not: with CI set, a disk that cannot
/// be mounted fails the test (CI runs as root and must test storage
/// faults); elsewhere the test is skipped with a warning. Returns nullptr
/// when skipped.
template <class Make>
std::unique_ptr<fault_disk> mount_or_skip(Make make);

/// With CI set, fails the test with `why_not`; elsewhere warns that the
/// test is skipped. (The part of mount_or_skip that needs Catch.)
void cannot_mount(const std::string& why_not);

template <class Make>
std::unique_ptr<fault_disk> mount_or_skip(Make make) {
  std::string why_not;
  auto disk = make(why_not);
  if (!disk)
    cannot_mount(why_not);
  return disk;
}

} // namespace usms::test
