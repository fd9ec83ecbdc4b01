// api::MultipartReader over a body read in pieces (see fuzz_inputs.hpp).

#include <algorithm>
#include <cstring>
#include <vector>

#include "api/multipart.hpp"
#include "fuzz_inputs.hpp"
#include "http/message.hpp"
#include "split.hpp"

namespace reflector::fuzz {
namespace {

// A body that hands out at most `piece` bytes per Read, as a slow client's would arrive.
class PieceReader final : public http::BodyReader {
 public:
  PieceReader(std::string_view body, std::size_t piece) : body_(body), piece_(piece) {}
  Result<std::size_t> Read(char* buffer, std::size_t size) override {
    const std::size_t n = std::min({size, piece_, body_.size()});
    if (n > 0) std::memcpy(buffer, body_.data(), n);
    body_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view body_;
  std::size_t piece_;
};

}  // namespace

void MultipartInput(std::string_view data) {
  if (data.empty()) return;
  const std::size_t piece = 1 + static_cast<unsigned char>(data.front()) % 64;
  auto [content_type, body] = SplitFirstLine(data.substr(1));
  PieceReader reader(body, piece);
  auto multipart = api::MultipartReader::Open(content_type, reader);
  if (!multipart) return;
  std::vector<char> buffer(1 + piece * 3);
  std::size_t total = 0;
  for (int parts = 0; parts < 1000; ++parts) {
    auto part = multipart->NextPart();
    if (!part || !*part) return;
    while (true) {
      auto got = multipart->Read(buffer.data(), buffer.size());
      if (!got) return;
      FuzzRequire(*got <= buffer.size(), "Read stays within the buffer");
      if (*got == 0) break;
      total += *got;
      FuzzRequire(total <= body.size(), "a part's data comes from the body");
    }
  }
}

}  // namespace reflector::fuzz
