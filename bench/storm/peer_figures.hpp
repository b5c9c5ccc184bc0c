#pragma once

/// Another way to make the same calls (a bare SOAP client, wrk), measured
/// by its own script and read from its JSON file, for the report's
/// comparison.

#include <string>

#include "contract/result.hpp"

namespace usms::bench {

/// One peer's figures, from its JSON file:
/// `{"name", "completed", "seconds", "per_second", "concurrency", "errors",
///   "note"}`.
struct peer_figures {
  std::string name;
  long long completed = 0;
  double seconds = 0;
  double per_second = 0;
  int concurrency = 0;
  long long errors = 0;
  std::string note;
};

/// Reads one peer's JSON file; the error says what is wrong.
usms::result<peer_figures> read_peer(const std::string& name,
                                     const std::string& path);

} // namespace usms::bench
