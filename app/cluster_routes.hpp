#pragma once

/// The cluster over HTTP: `GET /api/v1/cluster` (scope `read`) lists every
/// live instance sharing the storage, asked of the cluster member by a
/// short-lived bridge actor (app/actor_bridge.hpp). On a SQLite file it
/// lists the one instance.

#include <string>

#include "actors/handles.hpp"
#include "app/http_api.hpp"
#include "messages/cluster_instance.hpp"

namespace usms::app {

/// `{"instances": [{"id", "started_at", "heartbeat_at", "owned", "usms",
/// "leads"}], "self": id}`: times as ISO 8601 UTC.
std::string cluster_json(const cluster_view& view);

/// The route, for api_context::more_routes.
route_handler make_cluster_routes(caf::actor_system* sys,
                                  cluster_member_actor member);

} // namespace usms::app
