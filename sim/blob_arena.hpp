#pragma once

/// Bump allocation of immutable byte strings in large chunks, for the
/// simulator's ticket records: no per-ticket malloc, and chunks that the
/// kernel may back with huge pages (far fewer page faults while the store
/// grows by hundreds of thousands of tickets). Not thread-safe: the owner
/// locks. Memory is only released by clear() or destruction.

#include <cstddef>
#include <string_view>
#include <vector>

namespace usms::sim {

class blob_arena {
public:
  blob_arena() = default;
  ~blob_arena();
  blob_arena(const blob_arena&) = delete;
  blob_arena& operator=(const blob_arena&) = delete;

  /// A stable copy of `bytes`, valid until clear().
  std::string_view store(std::string_view bytes);

  /// Releases every chunk.
  void clear();

private:
  struct chunk {
    char* data;
    std::size_t size;
  };
  static chunk allocate(std::size_t size);

  std::vector<chunk> chunks_;
  std::size_t used_ = 0; // in chunks_.back()
};

} // namespace usms::sim
