#pragma once

#include <string>
#include <utility>
#include <variant>

namespace usms {

/// A failure a person can read, plus a machine code when the caller needs to
/// branch on it (e.g. `VALIDATION`, `UNSUPPORTED`, `malformed`).
struct failure {
  std::string message;
  std::string code;
};

/// A value or a failure. Used by the codec and other CAF-free code where
/// `caf::expected` is not available.
template <class T>
class result {
public:
  result(T value) : data_(std::move(value)) {}
  result(failure err) : data_(std::move(err)) {}

  explicit operator bool() const { return data_.index() == 0; }
  bool ok() const { return data_.index() == 0; }

  T& value() { return std::get<0>(data_); }
  const T& value() const { return std::get<0>(data_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

  const failure& error() const { return std::get<1>(data_); }

private:
  std::variant<T, failure> data_;
};

} // namespace usms
