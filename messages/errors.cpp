#include "messages/errors.hpp"

namespace usms {

std::string to_string(gateway_errc x) {
  switch (x) {
    case gateway_errc::intake_full:
      return "intake_full";
    case gateway_errc::not_found:
      return "not_found";
    case gateway_errc::conflict:
      return "conflict";
    case gateway_errc::storage:
      return "storage";
    case gateway_errc::shutting_down:
      return "shutting_down";
    case gateway_errc::storage_unavailable:
      return "storage_unavailable";
  }
  return "unknown";
}

} // namespace usms
