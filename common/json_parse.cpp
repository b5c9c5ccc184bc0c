#include "common/json_parse.hpp"

#include <cstring>
#include <string>
#include <utility>
#include <unordered_set>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace usms {

namespace {

// The iterative parser keeps its own stack on the heap instead of recursing
// once per level (the default parser overflows the thread's stack on a
// megabyte of `[`); validating the encoding refuses bytes that are not
// UTF-8 inside strings (outside strings they are syntax errors anyway).
constexpr unsigned parse_flags = rapidjson::kParseIterativeFlag
                                 | rapidjson::kParseValidateEncodingFlag;

/// How much of a repeated key a message quotes.
constexpr std::size_t quoted_key_bytes = 40;

constexpr const char* lone_surrogate
  = "JSON with a \\u escape of a lone UTF-16 surrogate, which is not UTF-8";

/// The UTF-8 form RapidJSON writes for a `\u` escape of a lone low surrogate
/// (ED B0..BF xx). The input was validated, so it can only come from an
/// escape; a lone high surrogate is already a parse error.
bool has_surrogate(const char* s, std::size_t n) {
  const char* end = s + n;
  for (auto* p = static_cast<const char*>(std::memchr(s, '\xED', n));
       p != nullptr && p + 1 < end;
       p = static_cast<const char*>(
         std::memchr(p + 1, '\xED', static_cast<std::size_t>(end - p - 1))))
    if (static_cast<unsigned char>(p[1]) >= 0xA0)
      return true;
  return false;
}

/// A key as a message may show it: shortened on a character boundary,
/// control characters replaced.
std::string quote_key(std::string_view key) {
  std::string out;
  auto n = key.size();
  if (n > quoted_key_bytes) {
    n = quoted_key_bytes;
    while (n > 0 && (static_cast<unsigned char>(key[n]) & 0xC0) == 0x80)
      --n;
  }
  for (std::size_t i = 0; i < n; ++i)
    out += static_cast<unsigned char>(key[i]) < 0x20 || key[i] == 0x7F
             ? '?'
             : key[i];
  if (n < key.size())
    out += "...";
  return out;
}

/// Builds the document from the reader's events, refusing what the parser
/// itself lets through: depth, repeated keys, lone surrogate escapes. It
/// stops the parse at the first problem, before anything deeper is built.
class bounded_builder {
public:
  explicit bounded_builder(rapidjson::Document& doc) : doc_(doc) {
  }

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(std::int64_t i) { return doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }

  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return doc_.RawNumber(s, n, copy);
  }

  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return valid_text(s, n) && doc_.String(s, n, copy);
  }

  bool StartObject() {
    if (!open_level())
      return false;
    auto& seen = keys_[depth_ - 1];
    // clear() costs the bucket count: a set grown by one wide object must
    // not make every later small object at its level pay for it.
    if (seen.bucket_count() > 64)
      seen = std::unordered_set<std::string>{};
    else
      seen.clear();
    return doc_.StartObject();
  }

  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (!valid_text(s, n))
      return false;
    if (!keys_[depth_ - 1].emplace(s, n).second)
      return stop(json_problem::duplicate_key,
                  "JSON with the key \"" + quote_key({s, n})
                    + "\" twice in one object");
    return doc_.Key(s, n, copy);
  }

  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }

  bool StartArray() { return open_level() && doc_.StartArray(); }

  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }

  /// Why a handler stopped the parse, if one did.
  const std::optional<json_problem>& problem() const { return problem_; }
  const std::string& detail() const { return detail_; }

private:
  bool stop(json_problem problem, std::string detail) {
    problem_ = problem;
    detail_ = std::move(detail);
    return false;
  }

  bool open_level() {
    if (depth_ == max_json_depth)
      return stop(json_problem::too_deep,
                  "JSON nested deeper than " + std::to_string(max_json_depth)
                    + " levels");
    ++depth_;
    if (keys_.size() < depth_)
      keys_.resize(depth_);
    return true;
  }

  bool valid_text(const char* s, rapidjson::SizeType n) {
    return !has_surrogate(s, n) || stop(json_problem::not_utf8, lone_surrogate);
  }

  rapidjson::Document& doc_;
  std::optional<json_problem> problem_;
  std::string detail_;
  std::size_t depth_ = 0;
  // The keys seen so far in the object open at each level (arrays leave
  // their level's set alone).
  std::vector<std::unordered_set<std::string>> keys_;
};

json_error refusal(json_problem problem, std::string what, std::size_t at) {
  return {problem, std::move(what) + " (at byte " + std::to_string(at) + ")",
          at};
}

/// What the reader itself refused.
json_error reader_refusal(rapidjson::ParseErrorCode code, std::size_t at) {
  switch (code) {
  case rapidjson::kParseErrorStringInvalidEncoding:
    return refusal(json_problem::not_utf8, "JSON text that is not valid UTF-8",
                   at);
  case rapidjson::kParseErrorStringUnicodeSurrogateInvalid:
    return refusal(json_problem::not_utf8, lone_surrogate, at);
  default:
    return refusal(json_problem::syntax,
                   std::string{"not valid JSON: "}
                     + rapidjson::GetParseError_En(code),
                   at);
  }
}

} // namespace

std::optional<json_error> parse_json(std::string_view text,
                                     rapidjson::Document& out) {
  std::size_t start = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    start = 3;
  // MemoryStream, not RapidJSON's encoded stream: that one skips any of the
  // three BOM bytes on their own, so a stray 0xBB would pass as UTF-8.
  rapidjson::MemoryStream in{text.data() + start, text.size() - start};
  rapidjson::Reader reader;
  bounded_builder builder{out};
  rapidjson::ParseResult parsed;
  auto run = [&](rapidjson::Document&) {
    parsed = reader.Parse<parse_flags>(in, builder);
    return !parsed.IsError();
  };
  out.SetNull();
  out.Populate(run);
  std::optional<json_error> error;
  if (builder.problem()) {
    error = refusal(*builder.problem(), builder.detail(),
                    start + parsed.Offset());
  } else if (parsed.IsError()) {
    error = reader_refusal(parsed.Code(), start + parsed.Offset());
  } else if (in.Tell() != text.size() - start) {
    // The stream reads a NUL byte as its end: what follows one after the
    // value was never looked at.
    error = refusal(json_problem::syntax,
                    "not valid JSON: a NUL byte after the value",
                    start + in.Tell());
  }
  if (error)
    out.SetNull();
  return error;
}

} // namespace usms
