#pragma once
// Errors as values. A task or client returns Result<T>: either a T or an Error that says what
// went wrong, whether trying again may help (retryable), and a message meant for people.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace reflector {

enum class ErrorKind {
  kInvalidInput,  // the caller gave something wrong (missing field, bad file): never retried
  kNotFound,      // a named thing does not exist
  kConflict,      // the state does not allow the operation
  kUnavailable,   // a service could not be reached or answered 5xx/429
  kTimeout,       // a deadline passed
  kCancelled,     // the stop token was triggered
  kIo,            // local file system or database failure
  kNoSpace,       // the disk (or the database) is full: retryable, as space may be freed
  kExternal,      // a remote service refused the request (4xx other than 404/429)
  kUnauthorized,  // a credential is invalid (bad signature, expired, unknown key): HTTP 401
  kInternal,      // a bug: an invariant did not hold
};

std::string_view ToString(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  bool retryable = false;
  std::string message;

  // Errors that trying again cannot fix.
  static Error Terminal(ErrorKind kind, std::string message) {
    return Error{kind, false, std::move(message)};
  }
  // Errors that may go away by themselves (network, 5xx, timeouts).
  static Error Transient(ErrorKind kind, std::string message) {
    return Error{kind, true, std::move(message)};
  }
  static Error InvalidInput(std::string message) {
    return Terminal(ErrorKind::kInvalidInput, std::move(message));
  }
  static Error NotFound(std::string message) { return Terminal(ErrorKind::kNotFound, std::move(message)); }
  static Error Internal(std::string message) { return Terminal(ErrorKind::kInternal, std::move(message)); }
  static Error Cancelled(std::string message = "cancelled") {
    return Error{ErrorKind::kCancelled, true, std::move(message)};
  }

  // Returns a copy whose message is "<context>: <message>".
  [[nodiscard]] Error WithContext(std::string_view context) const;
  // "<kind>: <message>" for logs.
  [[nodiscard]] std::string Describe() const;
};

// The error of a failed file-system call on `path` ("<what> <path>: <strerror>"): ENOSPC and
// EDQUOT are a retryable kNoSpace (space may be freed), anything else a terminal kIo.
Error FileSystemError(std::string_view what, const std::string& path, int error_number);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  [[nodiscard]] const Error& error() const& {
    assert(!ok());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(state_));
  }

  T value_or(T fallback) const& { return ok() ? std::get<0>(state_) : std::move(fallback); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit

  [[nodiscard]] bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  [[nodiscard]] const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() {
  return {};
}

}  // namespace reflector

// Evaluates an expression returning a Result/Status and returns its error from the enclosing
// function if it failed.
#define REFLECTOR_TRY(expr)                            \
  do {                                                 \
    auto reflector_try_result_ = (expr);               \
    if (!reflector_try_result_.ok()) {                 \
      return std::move(reflector_try_result_).error(); \
    }                                                  \
  } while (false)

#define REFLECTOR_CONCAT_INNER(a, b) a##b
#define REFLECTOR_CONCAT(a, b) REFLECTOR_CONCAT_INNER(a, b)

// REFLECTOR_ASSIGN_OR_RETURN(auto x, Compute()) declares x from a Result or returns its error.
// NOLINTBEGIN(bugprone-macro-parentheses): `decl` is a declaration, which parentheses would break.
#define REFLECTOR_ASSIGN_OR_RETURN(decl, expr)                               \
  auto REFLECTOR_CONCAT(reflector_result_, __LINE__) = (expr);               \
  if (!REFLECTOR_CONCAT(reflector_result_, __LINE__).ok()) {                 \
    return std::move(REFLECTOR_CONCAT(reflector_result_, __LINE__)).error(); \
  }                                                                          \
  decl = std::move(REFLECTOR_CONCAT(reflector_result_, __LINE__)).value()
// NOLINTEND(bugprone-macro-parentheses)
