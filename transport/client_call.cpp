#include "transport/client_call.hpp"

#include <utility>

namespace usms::http::detail {

void complete(call& c, outcome o) {
  auto done = std::exchange(c.done, nullptr);
  if (!done)
    return;
  o.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
    steady::now() - c.started);
  // A throwing completion must not kill the I/O thread: there is nobody to
  // report to, so the exception ends here.
  try {
    done(std::move(o));
  } catch (...) {
  }
}

outcome failed(failure_kind kind, bool sent, std::string error) {
  outcome o;
  o.failure = kind;
  o.request_sent = sent;
  o.error = std::move(error);
  return o;
}

std::string authority(const url& u, bool always_port) {
  std::string result = u.host.find(':') != std::string::npos
                         ? "[" + u.host + "]"
                         : u.host;
  uint16_t default_port = u.scheme == "https" ? 443 : 80;
  if (always_port || u.port != default_port)
    result += ":" + std::to_string(u.port);
  return result;
}

std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

} // namespace usms::http::detail
