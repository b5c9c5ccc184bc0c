#pragma once

/// Reading a contract file's TOML strictly: every key must be known, every
/// value of the expected type, and every problem is reported with the file
/// and line it stands on. Internal to contract/ (the loader uses it).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

namespace usms::soap::toml_read {

/// Collects the first problem of a load, as "FILE line N: reason".
class problems {
public:
  explicit problems(std::string source) : source_(std::move(source)) {}

  /// Records `why` at `line` (when it is the first problem); returns false
  /// so that callers can `return p.fail(...)`.
  bool fail(int line, const std::string& why);
  bool fail(const toml::source_region& at, const std::string& why) {
    return fail(static_cast<int>(at.begin.line), why);
  }
  bool failed() const { return !first_.empty(); }
  const std::string& message() const { return first_; }
  const std::string& source() const { return source_; }

private:
  std::string source_;
  std::string first_;
};

/// A key of a table with its value, as written in the file.
struct entry {
  std::string_view key;
  const toml::node* value;
  int line;
  int column;
};

/// One table of the file: hands out its entries by key and remembers which
/// it handed out, so that `done()` can name any key nobody asked for.
class table {
public:
  /// `t` may be null (the table is absent: every lookup finds nothing).
  table(const toml::table* t, std::string name, problems& p);

  const std::string& name() const { return name_; }
  bool present() const { return t_ != nullptr; }
  int line() const;

  /// The entry of `key`, marked as known; nullptr when absent.
  const toml::node* take(std::string_view key);

  /// A string value. Absent: `out` is left as it is, and it is an error
  /// when `required`. Returns false on an error.
  bool text(std::string_view key, std::string& out, bool required = false);
  bool boolean(std::string_view key, bool& out);
  /// An array of strings, each with its line.
  bool texts(std::string_view key,
             std::vector<std::pair<std::string, int>>& out, bool& present);
  /// A sub-table; `required` makes its absence an error.
  bool sub(std::string_view key, const toml::table*& out,
           bool required = false);

  /// Every entry, in the order the file writes them (TOML tables are
  /// unordered; the contract uses the file's order for element order).
  std::vector<entry> in_file_order() const;
  /// Marks every entry as known (for tables whose keys are data).
  void take_all();

  /// Fails on the first key nobody took.
  bool done();

private:
  const toml::table* t_;
  std::string name_;
  problems& p_;
  std::vector<std::string> taken_;
};

/// The line a node starts on.
int line_of(const toml::node& n);

/// "a string", "an integer", ... for messages.
std::string_view type_name(const toml::node& n);

} // namespace usms::soap::toml_read
