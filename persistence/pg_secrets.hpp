#pragma once

/// The password a libpq connection string carries, so that no message
/// shows it: libpq quotes parts of a string it cannot parse (a bad
/// percent-encoding, a stray word) in its errors.

#include <string>
#include <vector>

namespace usms::pg {

/// Every form of the password in `url` (a `postgresql://` URI or a
/// `key=value` string): as userinfo, as a `password=` parameter, as
/// written and percent-decoded. Empty when it holds none.
std::vector<std::string> url_secrets(const std::string& url);

/// `text` with every occurrence of each of `secrets` replaced by `***`.
std::string mask_secrets(std::string text,
                         const std::vector<std::string>& secrets);

} // namespace usms::pg
