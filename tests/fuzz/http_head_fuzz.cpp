// HTTP requests through Beast's parser as the gateway's server sets it up
// (transport/request_parser.hpp, the steps the server itself takes: a
// fresh request parser per message, 64 KiB of head at most and no body
// limit while the head is read; once the head guard let it through, a
// declared length over the body limit is refused, the limit set for a
// chunked body and the body parsed eagerly), on any bytes. However
// the bytes arrive — at once, one by one or in pieces — the parser reaches
// the same message, or fails on all of them (not always with the same
// error: a bad start line that never ends its head is "bad version" at
// once but "partial message" byte by byte), and keeps its limits.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/core/error.hpp>

#include "tests/fuzz/fuzz_check.hpp"
#include "transport/request_parser.hpp"

namespace {

using usms::fuzz::require;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// The default of server.max_body.
constexpr std::uint64_t body_limit = 1024 * 1024;

/// What the server would see of one message: the error, or the request
/// fields it hands to the application.
struct outcome {
  beast::error_code error;
  std::string method;
  std::string target;
  unsigned version = 0;
  bool keep_alive = false;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

};

/// Both fail, or both reach the same message.
bool agree(const outcome& a, const outcome& b) {
  if (a.error || b.error)
    return a.error.failed() == b.error.failed();
  return a.method == b.method && a.target == b.target
         && a.version == b.version && a.keep_alive == b.keep_alive
         && a.headers == b.headers && a.body == b.body;
}

std::string text(beast::string_view s) {
  return {s.data(), s.size()};
}

/// Parses the first message of `bytes`, handed over `piece` bytes at a
/// time; the end of `bytes` is the client closing its side.
outcome parse(std::string_view bytes, std::size_t piece) {
  usms::http::request_parser parser;
  usms::http::limit_head(parser);
  bool limited = false;
  std::string pending;
  std::size_t given = 0;
  outcome out;
  auto& ec = out.error;
  while (!parser.is_done()) {
    if (given == bytes.size()) {
      // As Beast's read: end_of_stream before the first byte of a message.
      if (parser.got_some())
        parser.put_eof(ec);
      else
        ec = bhttp::error::end_of_stream;
      break;
    }
    auto n = std::min(piece, bytes.size() - given);
    pending.append(bytes.substr(given, n));
    given += n;
    while (!pending.empty() && !parser.is_done()) {
      auto used = parser.put(boost::asio::buffer(pending), ec);
      pending.erase(0, used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        break;
      }
      if (ec)
        return out;
      if (parser.is_header_done() && !limited) {
        // Where the server asks the head guard, which lets this one pass.
        limited = true;
        ec = usms::http::ready_for_body(parser, body_limit);
        if (ec)
          return out;
      }
      if (used == 0)
        break;
    }
  }
  if (ec || !parser.is_done())
    return out;
  auto& msg = parser.get();
  out.method = text(msg.method_string());
  out.target = text(msg.target());
  out.version = msg.version();
  out.keep_alive = msg.keep_alive();
  for (auto& field : msg)
    out.headers.emplace_back(text(field.name_string()), text(field.value()));
  out.body = msg.body();
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  auto whole = parse(bytes, bytes.size() + 1);
  if (!whole.error) {
    require(!whole.method.empty(), "a request without a method");
    require(!whole.target.empty(), "a request without a target");
    require(whole.version < 100, "a version of more than two digits");
    require(whole.body.size() <= body_limit, "a body over the limit");
  }
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
    auto pieces = parse(bytes, piece);
    if (!agree(pieces, whole))
      std::fprintf(stderr, "at once: %s %s %s; in pieces of %zu: %s %s %s\n",
                   whole.error.message().c_str(), whole.method.c_str(),
                   whole.target.c_str(), piece,
                   pieces.error.message().c_str(), pieces.method.c_str(),
                   pieces.target.c_str());
    require(agree(pieces, whole),
            "the bytes arriving in pieces parse differently");
  }
  return 0;
}
