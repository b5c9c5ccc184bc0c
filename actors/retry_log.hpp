#pragma once

/// The log of a journal write that is tried again every second until it
/// works (a request's progress or outcome while the database cannot be
/// written): the first failure of a row is an error, the ones after it
/// are quiet (every active request would repeat them each second), and the
/// write that ends the row says how long it took.

#include <string>

namespace usms {

class retry_log {
public:
  /// Writing `what` of request `id` failed (`why`); it is tried again.
  void failed(const std::string& id, const char* what, const std::string& why);
  /// The write worked: ends a row of failures, if there was one.
  void worked(const std::string& id);

private:
  int failures_ = 0;
};

} // namespace usms
