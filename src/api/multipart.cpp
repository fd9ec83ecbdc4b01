#include "api/multipart.hpp"

#include <algorithm>
#include <cctype>

namespace reflector::api {
namespace {

constexpr std::size_t kMaxHeaderLine = 8192;
constexpr std::size_t kMaxPartHeaders = 32;

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// The value of `name=value` or `name="value"` in a header's parameters.
std::optional<std::string> Parameter(std::string_view header, std::string_view name) {
  const std::string lower = Lower(header);
  std::size_t at = 0;
  while ((at = lower.find(std::string(name) + "=", at)) != std::string::npos) {
    const bool starts = at == 0 || lower[at - 1] == ';' || lower[at - 1] == ' ';
    at += name.size() + 1;
    if (!starts) continue;
    if (at < header.size() && header[at] == '"') {
      std::string value;
      for (std::size_t i = at + 1; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      return value;
    }
    const std::size_t end = header.find(';', at);
    std::string value(header.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    while (!value.empty() && value.back() == ' ')
      value.pop_back();
    return value;
  }
  return std::nullopt;
}

}  // namespace

Result<MultipartReader> MultipartReader::Open(std::string_view content_type, http::BodyReader& body) {
  if (Lower(content_type).rfind("multipart/form-data", 0) != 0) {
    return Error::InvalidInput("Content-Type: must be multipart/form-data");
  }
  auto boundary = Parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) {
    return Error::InvalidInput("Content-Type: multipart/form-data without a valid boundary");
  }
  return MultipartReader(*boundary, body);
}

Result<bool> MultipartReader::Fill() {
  char piece[65536];
  REFLECTOR_ASSIGN_OR_RETURN(std::size_t got, body_->Read(piece, sizeof piece));
  buffer_.append(piece, got);
  return got > 0;
}

Result<std::string> MultipartReader::ReadLine() {
  while (true) {
    const std::size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    if (buffer_.size() > kMaxHeaderLine)
      return Error::InvalidInput("multipart: a part header line is too long");
    REFLECTOR_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return Error::InvalidInput("multipart: the body ended inside a part's headers");
  }
}

Result<std::size_t> MultipartReader::Read(char* buffer, std::size_t size) {
  if (!in_part_ || size == 0) return std::size_t{0};
  while (true) {
    const std::size_t found = buffer_.find(delimiter_);
    if (found != std::string::npos) {
      if (found == 0) {
        in_part_ = false;  // the delimiter stays for NextPart
        return std::size_t{0};
      }
      const std::size_t n = std::min(size, found);
      std::copy_n(buffer_.data(), n, buffer);
      buffer_.erase(0, n);
      return n;
    }
    // Everything but a possible start of the delimiter at the end can go.
    const std::size_t safe = buffer_.size() >= delimiter_.size() ? buffer_.size() - delimiter_.size() + 1 : 0;
    if (safe > 0) {
      const std::size_t n = std::min(size, safe);
      std::copy_n(buffer_.data(), n, buffer);
      buffer_.erase(0, n);
      return n;
    }
    REFLECTOR_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return Error::InvalidInput("multipart: the body ended inside a part (no closing boundary)");
  }
}

Result<std::optional<MultipartPart>> MultipartReader::NextPart() {
  if (finished_) return std::optional<MultipartPart>();
  if (!started_) {
    // The body starts with "--boundary" (the delimiter without its CRLF).
    buffer_.insert(0, "\r\n");
    started_ = true;
    in_part_ = true;
  }
  char discard[65536];
  while (in_part_) {
    REFLECTOR_ASSIGN_OR_RETURN(std::size_t got, Read(discard, sizeof discard));
    if (got == 0) break;
  }
  while (buffer_.size() < delimiter_.size() + 2) {
    REFLECTOR_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return Error::InvalidInput("multipart: the body ended without a closing boundary");
  }
  if (buffer_.compare(0, delimiter_.size(), delimiter_) != 0)
    return Error::InvalidInput("multipart: malformed body");
  buffer_.erase(0, delimiter_.size());
  if (buffer_.compare(0, 2, "--") == 0) {
    finished_ = true;
    return std::optional<MultipartPart>();
  }
  REFLECTOR_ASSIGN_OR_RETURN(std::string rest_of_boundary_line, ReadLine());
  MultipartPart part;
  bool has_disposition = false;
  for (std::size_t count = 0;; ++count) {
    if (count > kMaxPartHeaders) return Error::InvalidInput("multipart: too many part headers");
    REFLECTOR_ASSIGN_OR_RETURN(std::string line, ReadLine());
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) return Error::InvalidInput("multipart: malformed part header");
    const std::string name = Lower(line.substr(0, colon));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.erase(0, 1);
    if (name == "content-disposition") {
      has_disposition = true;
      part.name = Parameter(value, "name").value_or("");
      part.filename = Parameter(value, "filename");
    } else if (name == "content-type") {
      part.content_type = value;
    }
  }
  if (!has_disposition) return Error::InvalidInput("multipart: a part has no Content-Disposition");
  in_part_ = true;
  return std::optional<MultipartPart>(std::move(part));
}

}  // namespace reflector::api
