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
  std::string names, unnest;
  for (size_t i = 0; i < columns.size(); ++i) {
    names += (i ? ", " : "") + std::string{columns[i].name};
    unnest += (i ? ", $" : "$") + std::to_string(i + 1) + "::" + columns[i].type
              + "[]";
  }
  sql_ = "INSERT INTO " + table + " (" + names + ") SELECT * FROM unnest("
         + unnest + ")";
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
  if (rows_ == 0)
    return;
  std::vector<value> args;
  args.reserve(arrays_.size());
  for (auto& a : arrays_)
    args.emplace_back(a + "}");
  clear();
  c.queue(sql_, args);
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
