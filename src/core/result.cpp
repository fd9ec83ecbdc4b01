#include "core/result.hpp"

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
    case ErrorKind::kExternal:
      return "external";
    case ErrorKind::kUnauthorized:
      return "unauthorized";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "unknown";
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
