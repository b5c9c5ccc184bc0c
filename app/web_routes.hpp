#pragma once

/// The operator pages served by the gateway itself: the
/// bundle that web/build.sh writes (index.html + assets/) is read into
/// memory once, then `/` answers index.html and `/assets/NAME` the files.

#include <string>

#include "app/http_api.hpp"

namespace usms::app {

/// Serves GET (and HEAD) `/`, `/index.html` and `/assets/*` from the files
/// under `web_root`, read once now. Assets whose names carry a content hash
/// (`app-3F2A91BC.js`) are cached for a year; every other file, index.html
/// too, is revalidated through its ETag.
/// Unknown files under `/assets/` get 404; other paths are not handled.
/// When `web_root` holds no index.html, `/` answers a short page saying
/// the pages were not built.
route_handler make_web_routes(std::string web_root);

/// Where the pages are: `USMS_GW_WEB_ROOT` when set, else
/// `<exe_dir>/../share/usms-gateway/web` with exe_dir taken from
/// /proc/self/exe (or from `argv0` when that cannot be read; may be null).
std::string find_web_root(const char* argv0);

} // namespace usms::app
