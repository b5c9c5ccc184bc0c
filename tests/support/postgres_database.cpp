#include "tests/support/missing_tool.hpp"
#include "tests/support/postgres_server.hpp"

#include <stdexcept>

namespace usms::test {

bool postgres_available(const std::string& what) {
  if (shared_postgres())
    return true;
  report_missing_tool("PostgreSQL 15 (initdb, postgres)", what);
  return false;
}

postgres_database::postgres_database() {
  auto* server = shared_postgres();
  if (!server)
    throw std::runtime_error("postgres_database: PostgreSQL is not "
                             "installed");
  name_ = server->create_database();
  url_ = server->url(name_);
}

postgres_database::~postgres_database() {
  try {
    shared_postgres()->drop_database(name_);
  } catch (const std::exception&) {
    // the server's directory goes at the end of the run anyway
  }
}

} // namespace usms::test
