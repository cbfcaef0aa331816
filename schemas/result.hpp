#pragma once
// A small result type shared by every module: a value, or an error with a module, a code
// and a human message. Module-specific codes live in each module (e.g. topics::errc).

#include <string>
#include <utility>
#include <variant>

namespace aetherial {

/// An error crossing a module boundary: where it came from, what kind, what to do.
struct error {
  std::string module; ///< "storage", "topics", ...
  int code = 0;       ///< the module's errc value
  std::string message;

  [[nodiscard]] std::string to_string() const { return module + ": " + message; }
};

/// Either a T or an error. [[nodiscard]]: an unchecked result is a defect.
template <class T> class [[nodiscard]] result {
public:
  result(T value) : v_(std::move(value)) {}
  result(error e) : v_(std::move(e)) {}

  [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  [[nodiscard]] T& value() & { return std::get<0>(v_); }
  [[nodiscard]] const T& value() const& { return std::get<0>(v_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(v_)); }
  [[nodiscard]] const error& error_value() const& { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

private:
  std::variant<T, error> v_;
};

/// A result carrying no value.
template <> class [[nodiscard]] result<void> {
public:
  result() = default;
  result(error e) : e_(std::move(e)), ok_(false) {}

  [[nodiscard]] bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  [[nodiscard]] const error& error_value() const& { return e_; }

private:
  error e_;
  bool ok_ = true;
};

} // namespace aetherial
