#include "api/api_error.hpp"

#include "api/json_writer.hpp"

namespace usms::api {

std::string to_json(const api_error& e) {
  json_writer w;
  w.begin_object().key("error").begin_object();
  w.member("code", e.code).member("message", e.message);
  if (!e.field.empty())
    w.member("field", e.field);
  w.end_object().end_object();
  return w.str();
}

} // namespace usms::api
