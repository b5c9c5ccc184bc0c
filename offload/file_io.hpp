#pragma once

/// The few file operations an offload needs, with fsync where durability
/// depends on it. POSIX calls; errors come back as values with errno text.

#include <cstdint>
#include <string>
#include <string_view>

#include "contract/result.hpp"

namespace usms::offload {

/// A file's size, or that it does not exist.
struct file_state {
  bool exists = false;
  int64_t size = 0;
};

/// lstat: a symlink counts as an error (offload files are never links).
result<file_state> stat_file(const std::string& path);

/// Creates `path` and its missing parents (fsyncing each parent that got a
/// new entry). True when the last folder was created.
result<bool> ensure_dir(const std::string& path);

/// Writes `bytes` at `offset` of `path` (created when missing; anything
/// after `offset` is cut first) and fsyncs the file, and its folder when
/// the file is new. Fails when the file is shorter than `offset`.
result<bool> write_at(const std::string& path, int64_t offset,
                      std::string_view bytes);

/// True when `path` holds `length` bytes at `offset` whose checksum is
/// `checksum`; false when it is missing, shorter, or different.
result<bool> holds_bytes(const std::string& path, int64_t offset,
                         int64_t length, uint64_t checksum);

/// Cuts `path` back to `size` bytes and fsyncs it; no-op when it is
/// missing or not longer.
result<bool> truncate_to(const std::string& path, int64_t size);

/// The first `max_bytes` bytes of `path` (all of it when negative); empty
/// when it is missing.
result<std::string> read_file(const std::string& path,
                              int64_t max_bytes = -1);

/// Replaces `path` with `bytes` atomically: they are written to
/// `path + ".rewrite"`, fsynced, renamed over `path`, and the folder is
/// fsynced, so after a crash the file holds either its old or its new
/// bytes, never a mix.
result<bool> replace_file(const std::string& path, std::string_view bytes);

/// 64-bit FNV-1a, the batch checksum.
uint64_t checksum(std::string_view bytes);

} // namespace usms::offload
