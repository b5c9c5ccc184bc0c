#pragma once

#include <string>
#include <string_view>

namespace usms::config {

/// The name an instance goes by when `cluster.instance_id` is empty: the
/// host name, `-`, the process id (`gw-host-4711`). Characters outside
/// those check_instance_name allows become `-`.
std::string default_instance_id();

/// What is wrong with an instance name; empty when it is fine. A name is
/// 1..128 characters of A-Z a-z 0-9 `.` `_` `-` (it appears in the
/// database and in GET /api/v1/cluster).
std::string check_instance_name(std::string_view name);

} // namespace usms::config
