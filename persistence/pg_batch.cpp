#include "persistence/pg_batch.hpp"

namespace usms::pg {

namespace {

/// `text` as an element of an array literal: quoted, `"` and `\` escaped.
void append_element(std::string& array, const value& v) {
  array += array.size() > 1 ? "," : "";
  if (!v.text) {
    array += "NULL";
    return;
  }
  array += '"';
  for (char c : *v.text) {
    if (c == '"' || c == '\\')
      array += '\\';
    array += c;
  }
  array += '"';
}

} // namespace

row_batch::row_batch(std::string table, std::vector<column> columns)
    : arrays_(columns.size(), "{") {
  std::string unnest;
  for (size_t i = 0; i < columns.size(); ++i) {
    names_ += (i ? ", " : "") + std::string{columns[i].name};
    unnest += (i ? ", $" : "$") + std::to_string(i + 1) + "::" + columns[i].type
              + "[]";
  }
  unnest_ = "unnest(" + unnest + ") AS u(" + names_ + ")";
  sql_ = "INSERT INTO " + table + " (" + names_ + ") SELECT * FROM unnest("
         + unnest + ")";
}

std::string row_batch::unnest_source() const {
  return unnest_;
}

void row_batch::add(const std::vector<value>& row) {
  if (row.size() != arrays_.size())
    throw pg_error("a batch row of " + std::to_string(row.size())
                   + " values for " + std::to_string(arrays_.size())
                   + " columns");
  for (const auto& v : row)
    if (v.text && !storable_text(*v.text))
      throw pg_error("a text value is not valid UTF-8 or holds a NUL byte",
                     "22021");
  for (size_t i = 0; i < row.size(); ++i)
    append_element(arrays_[i], row[i]);
  ++rows_;
}

void row_batch::queue_on(connection& c) {
  queue_on(c, sql_, {});
}

std::vector<value> row_batch::take_args() {
  std::vector<value> args;
  args.reserve(arrays_.size());
  for (auto& a : arrays_)
    args.emplace_back(a + "}");
  clear();
  return args;
}

void row_batch::queue_on(connection& c, const std::string& sql,
                         const std::vector<value>& extra) {
  if (rows_ == 0)
    return;
  auto args = take_args();
  args.insert(args.end(), extra.begin(), extra.end());
  c.queue(sql, args);
}

row_batch::position row_batch::mark() const {
  position at{rows_, {}};
  at.lengths.reserve(arrays_.size());
  for (const auto& a : arrays_)
    at.lengths.push_back(a.size());
  return at;
}

void row_batch::truncate(const position& at) {
  if (at.rows >= rows_ || at.lengths.size() != arrays_.size())
    return;
  for (size_t i = 0; i < arrays_.size(); ++i)
    arrays_[i].resize(at.lengths[i]);
  rows_ = at.rows;
}

void row_batch::clear() {
  for (auto& a : arrays_)
    a = "{";
  rows_ = 0;
}

} // namespace usms::pg
