#pragma once
// A streaming multipart/form-data reader (RFC 7578) over a request body: parts one after the
// other, each part's bytes read in pieces, so an upload never sits whole in memory. Only what
// the upload endpoints need: a part's name, file name and content type.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "http/message.hpp"

namespace reflector::api {

struct MultipartPart {
  std::string name;                     // the form field name
  std::optional<std::string> filename;  // set for file parts
  std::string content_type;
};

class MultipartReader {
 public:
  // The boundary comes from the Content-Type header; a missing or malformed one is InvalidInput.
  static Result<MultipartReader> Open(std::string_view content_type, http::BodyReader& body);

  // The next part's headers (skipping what is left of the current one); nullopt after the last.
  Result<std::optional<MultipartPart>> NextPart();
  // Reads the current part's data; 0 at its end.
  Result<std::size_t> Read(char* buffer, std::size_t size);

 private:
  MultipartReader(std::string boundary, http::BodyReader& body)
      : delimiter_("\r\n--" + std::move(boundary)), body_(&body) {}
  // Reads more of the body into buffer_; false at its end.
  Result<bool> Fill();
  Result<std::string> ReadLine();

  std::string delimiter_;  // "\r\n--boundary"
  http::BodyReader* body_;
  std::string buffer_;
  bool started_ = false;   // the first boundary was read
  bool in_part_ = false;   // Read may return data
  bool finished_ = false;  // the closing boundary was read
};

}  // namespace reflector::api
