#pragma once

/// Text between Beast and the standard library. In Boost 1.74
/// `beast::string_view` is `boost::string_view`, which does not convert to or
/// from `std::string_view` implicitly. Private to transport/.

#include <string>
#include <string_view>

#include <boost/beast/core/string.hpp>

namespace usms::http::detail {

/// A copy of Beast's text.
inline std::string to_std(boost::beast::string_view text) {
  return std::string(text.data(), text.size());
}

/// Beast's view of `text` (no copy).
inline boost::beast::string_view to_beast(std::string_view text) {
  return boost::beast::string_view(text.data(), text.size());
}

} // namespace usms::http::detail
