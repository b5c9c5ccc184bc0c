#pragma once

/// What the fuzz targets share: a property check that stops the run (an
/// abort is a crash to libFuzzer, which then saves the input).

#include <cstdio>
#include <cstdlib>
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

} // namespace usms::fuzz
