#pragma once

/// What the fuzz targets share: a property check that stops the run (an
/// abort is a crash to libFuzzer, which then saves the input), and the
/// split of an input into a selector byte and the bytes to read.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace usms::fuzz {

/// Aborts with `what` when `ok` is false.
inline void require(bool ok, std::string_view what) {
  if (ok)
    return;
  std::fprintf(stderr, "fuzz property broken: %.*s\n",
               static_cast<int>(what.size()), what.data());
  std::abort();
}

/// An input whose first byte selects what to run (a contract, an
/// operation, ...) on the bytes after it.
struct selected_input {
  unsigned selector = 0;
  std::string_view body;
};

/// `data` split after its first byte; nullopt when it is empty.
inline std::optional<selected_input> split_selector(const std::uint8_t* data,
                                                    std::size_t size) {
  if (size == 0)
    return std::nullopt;
  return selected_input{data[0], {reinterpret_cast<const char*>(data) + 1,
                                  size - 1}};
}

} // namespace usms::fuzz
