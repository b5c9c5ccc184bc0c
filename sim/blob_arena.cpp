#include "sim/blob_arena.hpp"

#include <sys/mman.h>

#include <cstring>
#include <new>

namespace usms::sim {

namespace {

constexpr std::size_t chunk_size = 4 * 1024 * 1024;

} // namespace

blob_arena::~blob_arena() {
  clear();
}

blob_arena::chunk blob_arena::allocate(std::size_t size) {
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    throw std::bad_alloc();
  // Advice only: without transparent huge pages this is a no-op.
  ::madvise(p, size, MADV_HUGEPAGE);
  return chunk{static_cast<char*>(p), size};
}

std::string_view blob_arena::store(std::string_view bytes) {
  if (bytes.empty())
    return {};
  if (chunks_.empty() || used_ + bytes.size() > chunks_.back().size) {
    auto size = bytes.size() > chunk_size ? bytes.size() : chunk_size;
    chunks_.push_back(allocate(size));
    used_ = 0;
  }
  char* at = chunks_.back().data + used_;
  std::memcpy(at, bytes.data(), bytes.size());
  used_ += bytes.size();
  return {at, bytes.size()};
}

void blob_arena::clear() {
  for (auto& c : chunks_)
    ::munmap(c.data, c.size);
  chunks_.clear();
  used_ = 0;
}

} // namespace usms::sim
