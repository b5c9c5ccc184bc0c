#include "config/storage_target.hpp"

#include "config/keys.hpp"
#include "config/runtime_patch.hpp"
#include "contains.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

using namespace usms::config;
using usms::config::test::contains;
using usms::config::test::temp_file;

namespace {

using string_map = std::map<std::string, std::string>;

storage_target resolve(const std::string& toml, const string_map& env,
                       const string_map& flags) {
  temp_file file{toml};
  auto x = load_settings(file.path(), env, flags, {});
  REQUIRE(x);
  return resolved_storage(*x);
}

const std::string pg = "postgresql://gw@db.example:5432/usms?sslmode=require";

} // namespace

TEST_CASE("storage.url: sqlite:PATH or a PostgreSQL URI", "[config][storage]") {
  const auto* key = find_key("storage.url");
  REQUIRE(key != nullptr);
  CHECK_FALSE(key->runtime);
  for (auto ok :
       {"", "sqlite:./gw.db", "sqlite:/var/lib/usms/gw.db",
        "postgresql://gw@db:5432/usms?sslmode=require", "postgres://db/usms",
        "postgresql://", "postgresql:///usms?host=/var/run/postgresql"}) {
    INFO(ok);
    CHECK(parse_text(*key, ok));
  }
  CHECK(parse_text(*key, "sqlite:").error().message
        == "sqlite: needs a file path (sqlite:PATH)");
  CHECK(parse_text(*key, "mysql://db/usms").error().message
        == "'mysql://db/usms' is neither sqlite:PATH nor a postgresql:// (or "
           "postgres://) URI");
  CHECK_FALSE(parse_text(*key, "./gw.db"));
  CHECK_FALSE(parse_text(*key, "postgresql://db/usms x"));

  auto sqlite = storage_from_url("sqlite:data/gw.db");
  REQUIRE(sqlite);
  CHECK(sqlite->backend == storage_backend::sqlite);
  CHECK(sqlite->location == "data/gw.db");
  auto postgres = storage_from_url(pg);
  REQUIRE(postgres);
  CHECK(postgres->backend == storage_backend::postgresql);
  CHECK(postgres->location == pg);
  CHECK_FALSE(storage_from_url(""));
  CHECK(to_string(storage_backend::postgresql) == "postgresql");
}

TEST_CASE("storage.url against storage.db: the later source wins",
          "[config][storage]") {
  // Neither set: SQLite at the default db.
  auto none = resolve("", {}, {});
  CHECK(none.backend == storage_backend::sqlite);
  CHECK(none.location == "./usms-gateway.db");
  CHECK(none.from_key == "storage.db");
  // Only db: SQLite there.
  auto db_only = resolve("[storage]\ndb = \"/data/gw.db\"\n", {}, {});
  CHECK(db_only.location == "/data/gw.db");
  CHECK(db_only.from_key == "storage.db");
  // Only url: the url.
  auto url_only = resolve("[storage]\nurl = \"" + pg + "\"\n", {}, {});
  CHECK(url_only.backend == storage_backend::postgresql);
  CHECK(url_only.location == pg);
  CHECK(url_only.from_key == "storage.url");
  // Both in the file: the url.
  auto both_file = resolve(
      "[storage]\ndb = \"/data/gw.db\"\nurl = \"sqlite:/other.db\"\n", {}, {});
  CHECK(both_file.backend == storage_backend::sqlite);
  CHECK(both_file.location == "/other.db");
  CHECK(both_file.from_key == "storage.url");
  // url in the file, --db on the command line: the flag's SQLite file.
  auto flag_db = resolve("[storage]\nurl = \"" + pg + "\"\n", {},
                         {{"storage.db", "/flag/gw.db"}});
  CHECK(flag_db.backend == storage_backend::sqlite);
  CHECK(flag_db.location == "/flag/gw.db");
  CHECK(flag_db.from_key == "storage.db");
  // db in the file, url in the environment: the url.
  auto env_url = resolve("[storage]\ndb = \"/data/gw.db\"\n",
                         {{"USMS_GW_STORAGE_URL", pg}}, {});
  CHECK(env_url.backend == storage_backend::postgresql);
  // url in the environment, db in the environment too: the url.
  auto env_both = resolve(
      "", {{"USMS_GW_STORAGE_URL", pg}, {"USMS_GW_STORAGE_DB", "/env/gw.db"}},
      {});
  CHECK(env_both.backend == storage_backend::postgresql);
  // url in the environment, --db flag: the flag.
  auto env_url_flag_db = resolve("", {{"USMS_GW_STORAGE_URL", pg}},
                                 {{"storage.db", "/flag/gw.db"}});
  CHECK(env_url_flag_db.location == "/flag/gw.db");
  // db in the environment, url as a flag: the url.
  auto flag_url = resolve("", {{"USMS_GW_STORAGE_DB", "/env/gw.db"}},
                          {{"storage.url", "sqlite:/flag/url.db"}});
  CHECK(flag_url.location == "/flag/url.db");
  CHECK(flag_url.from_key == "storage.url");
  // A later source that empties the url unsets it.
  auto emptied = resolve("[storage]\nurl = \"" + pg + "\"\n",
                         {{"USMS_GW_STORAGE_URL", ""}}, {});
  CHECK(emptied.backend == storage_backend::sqlite);
  CHECK(emptied.location == "./usms-gateway.db");
}

TEST_CASE("a password in storage.url is never shown",
          "[config][storage][secrets]") {
  const std::string userinfo = "postgresql://gw:S3CRET-PW@db:5432/usms";
  const std::string parameter
      = "postgresql://gw@db/usms?sslmode=require&password=S3CRET-PW";
  for (const auto& url : {userinfo, parameter}) {
    INFO(url);
    auto x = load_settings("", {{"USMS_GW_STORAGE_URL", url}}, {}, {});
    REQUIRE(x);
    CHECK(x->values.storage.url == url); // used as it is
    // GET /api/v1/config
    auto shown = to_json(*x);
    CHECK_FALSE(contains(shown, "S3CRET-PW"));
    CHECK(contains(shown, "***"));
    // format_text, as messages use it
    auto text = format_text(*find_key("storage.url"), x->values.storage.url);
    CHECK_FALSE(contains(text, "S3CRET-PW"));
    CHECK(contains(text, "***"));
    CHECK_FALSE(contains(describe(resolved_storage(*x)), "S3CRET-PW"));
    // A GET answer sent back is no attempt to change it.
    rapidjson::Document doc;
    doc.Parse(shown.c_str());
    std::string echo = std::string{R"({"storage": {"url": ")"}
                       + doc["storage"]["url"].GetString() + R"("}})";
    auto patch = apply_patch(*x, echo);
    REQUIRE(patch);
    CHECK(patch->updated.values.storage.url == url);
    CHECK(patch->changed_keys.empty());
  }
  CHECK(describe(resolved_storage(
            *load_settings("", {{"USMS_GW_STORAGE_URL", userinfo}}, {}, {})))
        == "PostgreSQL at postgresql://gw:***@db:5432/usms");

  // Errors quote the URL redacted.
  auto bad = load_settings(
      "", {{"USMS_GW_STORAGE_URL", "mysql://gw:S3CRET-PW@db/usms"}}, {}, {});
  REQUIRE_FALSE(bad);
  CHECK_FALSE(contains(bad.error().message, "S3CRET-PW"));
  CHECK(contains(bad.error().message, "'mysql://gw:***@db/usms'"));
  auto spaced = load_settings(
      "", {{"USMS_GW_STORAGE_URL", "postgresql://db/u?password=S3CRET-PW x"}},
      {}, {});
  REQUIRE_FALSE(spaced);
  CHECK_FALSE(contains(spaced.error().message, "S3CRET-PW"));
  // Changing it at run time is refused without quoting it.
  auto current = load_settings("", {}, {}, {});
  REQUIRE(current);
  auto put = apply_patch(
      *current, R"({"storage": {"url": "postgresql://gw:S3CRET-PW@db/u"}})");
  REQUIRE_FALSE(put);
  CHECK(put.error().code == "storage.url");
  CHECK_FALSE(contains(put.error().message, "S3CRET-PW"));
}
