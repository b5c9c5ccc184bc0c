#include "persistence/pg_rows.hpp"

#include <variant>

#include "persistence/rows.hpp"

namespace usms::pg {

std::vector<value> values_of(const db::where_clause& w) {
  std::vector<value> out;
  out.reserve(w.values.size());
  for (const auto& v : w.values) {
    if (auto* text = std::get_if<std::string>(&v))
      out.emplace_back(*text);
    else
      out.emplace_back(std::get<int64_t>(v));
  }
  return out;
}

std::string select_requests(const std::string& rest) {
  return std::string{"SELECT "} + db::request_columns + " FROM requests "
         + rest;
}

std::vector<request_record> requests_of(const result& r) {
  std::vector<request_record> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(db::request_from_row(row{r, i}));
  return out;
}

std::vector<index_row> index_rows_of(const result& r) {
  std::vector<index_row> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(db::index_from_row(row{r, i}));
  return out;
}

std::vector<status_row> status_rows_of(const result& r) {
  std::vector<status_row> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(db::status_from_row(row{r, i}));
  return out;
}

std::optional<request_record> find_request(connection& c,
                                           const std::string& id) {
  auto r = c.run(select_requests("WHERE id = $1"), {id});
  if (r.rows() == 0)
    return std::nullopt;
  return db::request_from_row(row{r, 0});
}

} // namespace usms::pg
