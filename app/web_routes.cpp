#include "app/web_routes.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <system_error>

#include "transport/url.hpp"

namespace usms::app {

namespace {

namespace fs = std::filesystem;

struct web_file {
  std::string content_type;
  std::string body;
  std::string gzip_body; ///< empty when no NAME.gz was built
  std::string etag;
  bool immutable = false;
};

/// name relative to web_root (`index.html`, `assets/app-3F2A.js`) → file
using file_map = std::map<std::string, web_file, std::less<>>;

std::string content_type_of(const fs::path& p) {
  static const std::map<std::string, std::string> types{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"}};
  auto i = types.find(p.extension().string());
  return i == types.end() ? "application/octet-stream" : i->second;
}

bool read_whole(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return true;
}

/// FNV-1a, enough to tell versions of a file apart for If-None-Match.
std::string etag_of(const std::string& body) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  static const char* hex = "0123456789abcdef";
  std::string tag = "\"";
  for (int shift = 60; shift >= 0; shift -= 4)
    tag += hex[(h >> shift) & 0xf];
  return tag + "\"";
}

/// The build names bundles `app-HASH.js`: such names never change content.
bool hashed_name(const std::string& name) {
  auto stem = fs::path(name).stem().string();
  auto dash = stem.rfind('-');
  return dash != std::string::npos && stem.size() - dash - 1 >= 8;
}

/// Reads index.html and every regular file under assets/ (not following
/// links out of the folder: only names found by walking it are served, so
/// a request can never name a file outside).
file_map load_files(const std::string& web_root) {
  file_map files;
  std::error_code ec;
  fs::path root(web_root);
  auto add = [&](const fs::path& p, const std::string& name) {
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0)
      return; // served as the gzip form of its base file
    web_file f;
    if (!read_whole(p, f.body))
      return;
    f.content_type = content_type_of(p);
    f.etag = etag_of(f.body);
    f.immutable = name.rfind("assets/", 0) == 0 && hashed_name(name);
    auto gz = p;
    gz += ".gz";
    std::error_code gz_ec;
    if (fs::is_regular_file(gz, gz_ec))
      read_whole(gz, f.gzip_body);
    files.emplace(name, std::move(f));
  };
  if (fs::is_regular_file(root / "index.html", ec))
    add(root / "index.html", "index.html");
  auto assets = root / "assets";
  if (fs::is_directory(assets, ec)) {
    for (auto it = fs::recursive_directory_iterator(assets, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code type_ec;
      if (!it->is_regular_file(type_ec) || it->is_symlink(type_ec))
        continue;
      auto rel = fs::relative(it->path(), root, type_ec);
      if (type_ec)
        continue;
      add(it->path(), rel.generic_string());
    }
  }
  return files;
}

http::response not_built_page() {
  http::response r;
  r.status = 200;
  r.content_type = "text/html; charset=utf-8";
  r.headers.push_back({"Cache-Control", "no-store"});
  r.body = "<!doctype html><html><head><meta charset=\"utf-8\">"
           "<title>USMS Ticket Gateway</title></head><body>"
           "<h1>USMS Ticket Gateway</h1><p>The operator pages were not "
           "built (npm was missing when the gateway was built, or "
           "USMS_GW_WEB_ROOT points to a folder without index.html). The "
           "HTTP API works: see <a href=\"/api/v1/openapi.json\">"
           "/api/v1/openapi.json</a>.</p></body></html>";
  return r;
}

http::response plain_error(unsigned status, std::string text) {
  http::response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text);
  return r;
}

bool accepts_gzip(const http::request& req) {
  auto ae = req.header("Accept-Encoding");
  return ae.find("gzip") != std::string_view::npos;
}

/// One If-None-Match token list holding `etag` (or `*`).
bool etag_matches(std::string_view if_none_match, const std::string& etag) {
  return if_none_match == "*"
         || if_none_match.find(etag) != std::string_view::npos;
}

http::response file_response(const http::request& req, const web_file& f) {
  http::response r;
  r.content_type = f.content_type;
  r.headers.push_back({"ETag", f.etag});
  r.headers.push_back({"Cache-Control", f.immutable
                                          ? "public, max-age=31536000, "
                                            "immutable"
                                          : "no-cache"});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  if (f.content_type.rfind("text/html", 0) == 0) {
    // The pages load only their own files and talk only to this gateway.
    r.headers.push_back(
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data:; style-src 'self' "
       "'unsafe-inline'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'"});
    r.headers.push_back({"Referrer-Policy", "no-referrer"});
  }
  if (!f.gzip_body.empty())
    r.headers.push_back({"Vary", "Accept-Encoding"});
  if (etag_matches(req.header("If-None-Match"), f.etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.status = 200;
  if (req.method == "HEAD")
    return r;
  if (!f.gzip_body.empty() && accepts_gzip(req)) {
    r.headers.push_back({"Content-Encoding", "gzip"});
    r.body = f.gzip_body;
  } else {
    r.body = f.body;
  }
  return r;
}

} // namespace

route_handler make_web_routes(std::string web_root) {
  auto files = std::make_shared<const file_map>(load_files(web_root));
  return [files](http::request& req, http::responder& respond) {
    auto path = http::target_path(req.target);
    std::string name;
    if (path == "/" || path == "/index.html") {
      name = "index.html";
    } else if (path.rfind("/assets/", 0) == 0) {
      auto decoded = http::percent_decode(path.substr(1));
      // Only names the walk found are served; `..`, `//`, a backslash and
      // NUL are refused before the lookup so no odd name even reaches it.
      if (!decoded || decoded->find("..") != std::string::npos
          || decoded->find("//") != std::string::npos
          || decoded->find('\\') != std::string::npos
          || decoded->find('\0') != std::string::npos) {
        respond(plain_error(404, "not found"));
        return true;
      }
      name = std::move(*decoded);
    } else {
      return false;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      auto r = plain_error(405, "method not allowed");
      r.headers.push_back({"Allow", "GET, HEAD"});
      respond(std::move(r));
      return true;
    }
    auto it = files->find(name);
    if (it == files->end()) {
      respond(name == "index.html" ? not_built_page()
                                   : plain_error(404, "not found"));
      return true;
    }
    respond(file_response(req, it->second));
    return true;
  };
}

std::string find_web_root(const char* argv0) {
  if (const char* env = std::getenv("USMS_GW_WEB_ROOT"); env && *env)
    return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) {
    if (!argv0 || !*argv0)
      return "share/usms-gateway/web";
    exe = fs::absolute(argv0, ec);
  }
  auto root = exe.parent_path().parent_path() / "share" / "usms-gateway"
              / "web";
  return root.lexically_normal().string();
}

} // namespace usms::app
