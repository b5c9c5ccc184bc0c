#pragma once

/// usmsctl's exit codes (docs/usmsctl.md): what a shell script branches on.

namespace usms::cli {

enum exit_code : int {
  exit_succeeded = 0,   ///< the ticket request succeeded
  exit_failed = 1,      ///< the ticket request failed or was cancelled
  exit_usage = 2,       ///< bad usage: unknown option, bad field syntax
  exit_refused = 3,     ///< gateway unreachable, or it answered 4xx/5xx
  exit_unfinished = 4,  ///< still unfinished when the wait ran out
};

} // namespace usms::cli
