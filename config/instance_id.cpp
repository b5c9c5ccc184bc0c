// The default cluster.instance_id and the rule instance names follow.

#include "config/instance_id.hpp"

#include <algorithm>
#include <climits>
#include <unistd.h>

namespace usms::config {

namespace {

constexpr std::size_t max_length = 128;

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

} // namespace

std::string default_instance_id() {
  char host[HOST_NAME_MAX + 1] = {};
  std::string name;
  if (::gethostname(host, sizeof host - 1) == 0)
    name = host;
  if (name.empty())
    name = "localhost";
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !is_name_char(c); }, '-');
  auto suffix = "-" + std::to_string(::getpid());
  name.resize(std::min(name.size(), max_length - suffix.size()));
  return name + suffix;
}

std::string check_instance_name(std::string_view name) {
  if (name.empty())
    return "must not be empty";
  if (name.size() > max_length)
    return "is longer than " + std::to_string(max_length) + " characters";
  if (!std::all_of(name.begin(), name.end(), is_name_char))
    return "'" + std::string{name}
           + "' has characters outside A-Z a-z 0-9 . _ -";
  return {};
}

} // namespace usms::config
