#include "api/http_answers.hpp"

namespace usms::api {

http::response json_response(unsigned status, std::string body) {
  http::response res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

http::response error_response(const api_error& e) {
  auto res = json_response(e.status, to_json(e));
  if (e.status == 503)
    res.headers.push_back({"Retry-After", "1"});
  return res;
}

} // namespace usms::api
