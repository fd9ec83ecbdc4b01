#include "core/result.hpp"

#include <cerrno>
#include <cstring>

namespace reflector {

std::string_view ToString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return "invalid_input";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kUnavailable:
      return "unavailable";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kCancelled:
      return "cancelled";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kNoSpace:
      return "no_space";
    case ErrorKind::kExternal:
      return "external";
    case ErrorKind::kUnauthorized:
      return "unauthorized";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "unknown";
}

Error FileSystemError(std::string_view what, const std::string& path, int error_number) {
  std::string message = std::string(what) + " " + path + ": " + std::strerror(error_number);
  if (error_number == ENOSPC || error_number == EDQUOT)
    return Error::Transient(ErrorKind::kNoSpace, std::move(message));
  return Error::Terminal(ErrorKind::kIo, std::move(message));
}

Error Error::WithContext(std::string_view context) const {
  Error copy = *this;
  copy.message = std::string(context) + ": " + message;
  return copy;
}

std::string Error::Describe() const {
  return std::string(ToString(kind)) + (retryable ? " (retryable): " : ": ") + message;
}

}  // namespace reflector
