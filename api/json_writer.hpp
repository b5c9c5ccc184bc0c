#pragma once

/// A small facade over RapidJSON's Writer so API code never concatenates
/// JSON by hand and never includes RapidJSON in headers.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace usms::api {

class json_writer {
public:
  json_writer();
  ~json_writer();

  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  json_writer& key(std::string_view k);
  json_writer& value(std::string_view v);
  json_writer& value(const char* v) { return value(std::string_view{v}); }
  json_writer& value(const std::string& v) { return value(std::string_view{v}); }
  json_writer& value(int64_t v);
  json_writer& value(int v) { return value(static_cast<int64_t>(v)); }
  json_writer& value(double v);
  json_writer& value(bool v);
  json_writer& null();
  /// Inserts already-serialized JSON as a value.
  json_writer& raw(std::string_view json);

  /// key + value in one call.
  template <class T>
  json_writer& member(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  /// key + the text, or null when the text is empty.
  json_writer& text_or_null(std::string_view k, std::string_view text) {
    key(k);
    return text.empty() ? null() : value(text);
  }

  std::string str() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace usms::api
