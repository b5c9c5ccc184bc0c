#pragma once

#include <string>
#include <string_view>

namespace usms::config {

/// A URL as it may be shown: the password in its userinfo replaced by
/// `***` (`http://user:***@proxy:3128`), and so is the value of a
/// `password=` parameter in the query of a `scheme://` URL
/// (`postgresql://h/db?password=***&sslmode=require`). Proxy, USMS and
/// database URLs may carry credentials; the API, the logs and error messages
/// show them this way. Text without either comes back unchanged.
std::string redact_url_password(std::string_view url);

/// True when `shown` is what redact_url_password makes of `actual` and the
/// two differ: a PUT echoing a redacted GET answer leaves the value alone.
bool is_redacted_echo(std::string_view shown, std::string_view actual);

/// `'text'` for an error message, with a URL's password shown as `***`: a
/// message quotes what it was given without leaking credentials.
std::string quoted_redacted(std::string_view text);

} // namespace usms::config
