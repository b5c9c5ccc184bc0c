// The one JSON parser on any bytes: it never crashes or recurses, and what
// it accepts keeps its limits and means what RapidJSON's own parser reads.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <rapidjson/document.h>

#include "common/json_parse.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using usms::fuzz::require;

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2
                  : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4
                  : 0;
    if (n == 0 || i + n > s.size())
      return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

/// Depth, keys and text of an accepted document, without recursion.
void check_limits(const rapidjson::Value& root) {
  std::vector<std::pair<const rapidjson::Value*, std::size_t>> todo{{&root, 0}};
  while (!todo.empty()) {
    auto [v, depth] = todo.back();
    todo.pop_back();
    if (v->IsString())
      require(valid_utf8({v->GetString(), v->GetStringLength()}),
              "an accepted string is not UTF-8");
    if (v->IsArray()) {
      require(depth + 1 <= usms::max_json_depth, "accepted too deep");
      for (auto& e : v->GetArray())
        todo.push_back({&e, depth + 1});
    }
    if (v->IsObject()) {
      require(depth + 1 <= usms::max_json_depth, "accepted too deep");
      std::unordered_set<std::string_view> keys;
      for (auto& m : v->GetObject()) {
        std::string_view key{m.name.GetString(), m.name.GetStringLength()};
        require(valid_utf8(key), "an accepted key is not UTF-8");
        require(keys.insert(key).second, "accepted a repeated key");
        todo.push_back({&m.value, depth + 1});
      }
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  rapidjson::Document doc;
  auto error = usms::parse_json(text, doc);
  if (error) {
    require(doc.IsNull(), "a refused text left a value");
    require(!error->message.empty(), "a refusal without a message");
    require(error->offset <= size, "an offset past the text");
    return 0;
  }
  check_limits(doc);
  // Within the limits RapidJSON's recursive parser is safe, and it must read
  // the same value (it is the reference for everything but the limits).
  rapidjson::Document reference;
  std::string copy{text.substr(text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0)};
  reference.Parse<rapidjson::kParseValidateEncodingFlag>(copy.data(),
                                                         copy.size());
  require(!reference.HasParseError(), "RapidJSON refuses an accepted text");
  require(reference == doc, "RapidJSON reads an accepted text differently");
  return 0;
}
