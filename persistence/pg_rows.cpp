#include "persistence/pg_rows.hpp"

#include <variant>

#include "persistence/rows.hpp"

namespace usms::pg {

std::vector<value>
values_of(const std::vector<std::variant<std::string, int64_t>>& values) {
  std::vector<value> out;
  out.reserve(values.size());
  for (const auto& v : values) {
    if (auto* text = std::get_if<std::string>(&v))
      out.emplace_back(*text);
    else
      out.emplace_back(std::get<int64_t>(v));
  }
  return out;
}

std::vector<value> values_of(const db::where_clause& w) {
  return values_of(w.values);
}

std::string select_requests(const std::string& rest) {
  return std::string{"SELECT "} + db::request_columns + " FROM requests "
         + rest;
}

namespace {

/// Every row of `r` through `read`.
template <class Read>
auto all_rows(const result& r, Read read) {
  std::vector<decltype(read(row{r, 0}))> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(read(row{r, i}));
  return out;
}

} // namespace

std::vector<request_record> requests_of(const result& r) {
  return all_rows(r, [](const row& x) { return db::request_from_row(x); });
}

std::vector<index_row> index_rows_of(const result& r) {
  return all_rows(r, [](const row& x) { return db::index_from_row(x); });
}

std::vector<status_row> status_rows_of(const result& r) {
  return all_rows(r, [](const row& x) { return db::status_from_row(x); });
}

std::optional<request_record> find_request(connection& c,
                                           const std::string& id) {
  auto r = c.run(select_requests("WHERE id = $1"), {id});
  if (r.rows() == 0)
    return std::nullopt;
  return db::request_from_row(row{r, 0});
}

} // namespace usms::pg
