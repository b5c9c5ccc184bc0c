// URL parsing on any bytes: parse_url, query strings and percent escapes.
// A URL it reads, written again, reads back the same; percent-encoding
// anything decodes back to it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_check.hpp"
#include "transport/url.hpp"

namespace {

using usms::fuzz::require;
namespace http = usms::http;

bool same(const http::url& a, const http::url& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port
         && a.target == b.target;
}

std::string text_of(const http::url& u) {
  auto host = u.host.find(':') == std::string::npos ? u.host
                                                    : "[" + u.host + "]";
  return u.scheme + "://" + host + ":" + std::to_string(u.port) + u.target;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};

  if (auto u = http::parse_url(text)) {
    require(u->scheme == "http" || u->scheme == "https", "a foreign scheme");
    require(u->port != 0, "port 0");
    require(!u->host.empty(), "an empty host");
    require(!u->target.empty() && u->target.front() == '/',
            "a target not starting with /");
    for (char c : u->target)
      require(static_cast<unsigned char>(c) > 0x20 && c != 0x7f,
              "a space or control character in the target");
    auto again = http::parse_url(text_of(*u));
    require(again && same(*again, *u), "a URL reads back different");
  }

  auto path = http::target_path(text);
  require(text.substr(0, path.size()) == path, "the path is no prefix");
  for (auto& [key, value] : http::parse_query(text))
    require(key.size() + value.size() <= text.size(), "a query grew");

  auto encoded = http::percent_encode(text);
  for (auto part : {http::url_part::path, http::url_part::query}) {
    auto decoded = http::percent_decode(encoded, part);
    require(decoded && *decoded == text, "percent-encoding does not round-trip");
  }
  (void)http::percent_decode(text, http::url_part::query);
  return 0;
}
