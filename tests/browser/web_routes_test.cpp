// The operator pages' file routes without a browser: content types,
// caching, gzip, and that no request reaches a file outside the bundle.

#include "app/web_routes.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unistd.h>
#include <string>

#include <catch2/catch.hpp>

namespace fs = std::filesystem;
using usms::app::find_web_root;
using usms::app::make_web_routes;

namespace {

struct bundle_dir {
  fs::path root;
  bundle_dir() {
    root = fs::temp_directory_path()
           / ("usms-web-" + std::to_string(::getpid()) + "-"
              + std::to_string(std::rand()));
    fs::create_directories(root / "assets");
    write("index.html", "<!doctype html><title>pages</title>");
    write("assets/app-ABCDEFGH.js", "console.log(1)");
    write("assets/app-ABCDEFGH.js.gz", "GZIPPED");
    write("assets/style-ABCDEFGH.css", "body{}");
    write("assets/plain.svg", "<svg/>");
    write("secret.txt", "do not serve");
    fs::create_symlink(root / "secret.txt", root / "assets" / "link.txt");
  }
  ~bundle_dir() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void write(const std::string& name, const std::string& body) {
    std::ofstream(root / name, std::ios::binary) << body;
  }
};

struct outcome {
  bool handled = false;
  std::optional<usms::http::response> response;
  std::string header(const std::string& name) const {
    return std::string{usms::http::find_header(response->headers, name)};
  }
};

outcome call(const usms::app::route_handler& h, std::string method,
             std::string target, usms::http::header_list headers = {}) {
  usms::http::request req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.headers = std::move(headers);
  outcome out;
  usms::http::responder respond
    = [&out](usms::http::response r) { out.response = std::move(r); };
  out.handled = h(req, respond);
  return out;
}

} // namespace

TEST_CASE("index.html is served at / with an ETag and no-cache") {
  bundle_dir dir;
  auto h = make_web_routes(dir.root.string());
  auto r = call(h, "GET", "/");
  REQUIRE(r.handled);
  REQUIRE(r.response->status == 200);
  CHECK(r.response->content_type == "text/html; charset=utf-8");
  CHECK(r.response->body.find("<title>pages</title>") != std::string::npos);
  CHECK(r.header("Cache-Control") == "no-cache");
  CHECK(r.header("Content-Security-Policy").find("default-src 'self'")
        != std::string::npos);
  auto etag = r.header("ETag");
  REQUIRE(!etag.empty());
  auto again = call(h, "GET", "/?x=1", {{"If-None-Match", etag}});
  CHECK(again.response->status == 304);
  CHECK(again.response->body.empty());
  CHECK(call(h, "GET", "/index.html").response->status == 200);
}

TEST_CASE("hashed assets are cached for good, with their content type") {
  bundle_dir dir;
  auto h = make_web_routes(dir.root.string());
  auto js = call(h, "GET", "/assets/app-ABCDEFGH.js");
  REQUIRE(js.response->status == 200);
  CHECK(js.response->content_type == "text/javascript; charset=utf-8");
  CHECK(js.header("Cache-Control").find("immutable") != std::string::npos);
  CHECK(js.response->body == "console.log(1)");
  auto css = call(h, "GET", "/assets/style-ABCDEFGH.css");
  CHECK(css.response->content_type == "text/css; charset=utf-8");
  auto svg = call(h, "GET", "/assets/plain.svg");
  CHECK(svg.response->content_type == "image/svg+xml");
  CHECK(svg.header("Cache-Control") == "no-cache"); // not a hashed name
}

TEST_CASE("the gzip form goes to clients that take it") {
  bundle_dir dir;
  auto h = make_web_routes(dir.root.string());
  auto gz = call(h, "GET", "/assets/app-ABCDEFGH.js",
                 {{"Accept-Encoding", "gzip, deflate, br"}});
  CHECK(gz.header("Content-Encoding") == "gzip");
  CHECK(gz.response->body == "GZIPPED");
  CHECK(gz.header("Vary") == "Accept-Encoding");
  auto plain = call(h, "GET", "/assets/app-ABCDEFGH.js");
  CHECK(plain.header("Content-Encoding").empty());
  // the .gz file itself is not a served name
  CHECK(call(h, "GET", "/assets/app-ABCDEFGH.js.gz").response->status == 404);
}

TEST_CASE("no path reaches a file outside the bundle") {
  bundle_dir dir;
  auto h = make_web_routes(dir.root.string());
  for (const char* target :
       {"/assets/../secret.txt", "/assets/%2e%2e/secret.txt",
        "/assets/..%2fsecret.txt", "/assets/%2E%2E%2Fsecret.txt",
        "/assets//etc/passwd", "/assets/..\\secret.txt",
        "/assets/link.txt", "/assets/", "/assets/nope.js",
        "/assets/app-ABCDEFGH.js%00.txt"}) {
    INFO(target);
    auto r = call(h, "GET", target);
    REQUIRE(r.handled);
    CHECK(r.response->status == 404);
    CHECK(r.response->body.find("do not serve") == std::string::npos);
  }
}

TEST_CASE("other paths and methods") {
  bundle_dir dir;
  auto h = make_web_routes(dir.root.string());
  CHECK_FALSE(call(h, "GET", "/api/v1/status").handled);
  CHECK_FALSE(call(h, "GET", "/secret.txt").handled);
  CHECK_FALSE(call(h, "GET", "/metrics").handled);
  auto post = call(h, "POST", "/");
  CHECK(post.response->status == 405);
  CHECK(post.header("Allow") == "GET, HEAD");
  auto head = call(h, "HEAD", "/assets/app-ABCDEFGH.js");
  CHECK(head.response->status == 200);
  CHECK(head.response->body.empty());
}

TEST_CASE("without a built bundle / says so and assets are 404") {
  auto h = make_web_routes("/nonexistent/usms-web");
  auto r = call(h, "GET", "/");
  CHECK(r.response->status == 200);
  CHECK(r.response->body.find("not built") != std::string::npos);
  CHECK(call(h, "GET", "/assets/app.js").response->status == 404);
}

TEST_CASE("find_web_root: the environment wins, else next to the binary") {
  ::setenv("USMS_GW_WEB_ROOT", "/srv/pages", 1);
  CHECK(find_web_root("/x/bin/usms-gateway") == "/srv/pages");
  ::unsetenv("USMS_GW_WEB_ROOT");
  auto root = find_web_root(nullptr);
  CHECK(root.size() > 22);
  CHECK(root.substr(root.size() - 22) == "share/usms-gateway/web");
  // from the test binary in build/bin: build/share/usms-gateway/web
  CHECK(fs::path(root).parent_path().parent_path().parent_path()
        == fs::path(USMS_BIN_DIR).parent_path());
}
