#include "app/ops_routes.hpp"

#include <string>
#include <utility>

#include "app/api_errors.hpp"
#include "app/config_routes.hpp"
#include "app/reply_routes.hpp"
#include "app/status_routes.hpp"
#include "app/url_params.hpp"
#include "transport/url.hpp"

namespace usms::app {

std::vector<route_handler> make_ops_routes(std::shared_ptr<ops_context> ctx) {
  auto gate = std::make_shared<config_gate>();
  route_handler handler = [ctx, gate](http::request& req,
                                      http::responder& respond) {
    auto seg = split_path(http::target_path(req.target));
    if (seg.size() < 3 || seg[0] != "api" || seg[1] != "v1")
      return false;
    const auto& what = seg[2];
    if (what == "status" && seg.size() <= 4) {
      if (seg.size() == 4 && seg[3] != "trend")
        return false;
      if (req.method != "GET") {
        respond(method_not_allowed(req.method, "GET"));
        return true;
      }
      if (seg.size() == 3)
        get_status(ctx, params_of(req.target), std::move(respond));
      else
        get_trend(ctx, params_of(req.target), std::move(respond));
      return true;
    }
    if (what == "requests" && seg.size() == 3) {
      if (req.method != "GET")
        respond(method_not_allowed(req.method, "GET"));
      else
        list_requests(ctx, params_of(req.target), std::move(respond));
      return true;
    }
    if (what == "config" && seg.size() == 3) {
      handle_config(ctx, gate, req, std::move(respond));
      return true;
    }
    if (what == "reply-routes" && seg.size() <= 4) {
      handle_reply_routes(ctx, req, seg, std::move(respond));
      return true;
    }
    return false;
  };
  return {std::move(handler)};
}

} // namespace usms::app
