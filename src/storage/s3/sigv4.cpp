#include "storage/s3/sigv4.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "net/url.hpp"

namespace reflector::storage {
namespace {

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

std::string HexEncode(const unsigned char* data, std::size_t size) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0F]);
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  return HexEncode(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(Bytes(data), data.size(), digest);
  return HexEncode(digest, sizeof(digest));
}

Result<std::string> Sha256HexOfFile(const std::filesystem::path& file, std::stop_token stop) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Error::InvalidInput("cannot open " + file.string() + ": " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  EvpMdCtxPtr context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return Error::Internal("cannot set up SHA-256 for " + file.string());
  }
  std::vector<unsigned char> buffer(1 << 20);
  while (true) {
    if (stop.stop_requested()) return Error::Cancelled("cancelled hashing " + file.string());
    ssize_t read = ::read(fd, buffer.data(), buffer.size());
    if (read < 0) {
      if (errno == EINTR) continue;
      return Error::Terminal(ErrorKind::kIo, "cannot read " + file.string() + ": " + std::strerror(errno));
    }
    if (read == 0) break;
    if (EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(read)) != 1) {
      return Error::Internal("SHA-256 update failed for " + file.string());
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    return Error::Internal("SHA-256 final failed for " + file.string());
  }
  return HexEncode(digest, length);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(data), data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string AmzDate(WallTime time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

namespace {

std::string CredentialScope(const PresignRequest& request, std::string_view date) {
  return std::string(date) + "/" + request.region + "/" + request.service + "/aws4_request";
}

// Everything before the signature, parameters in sorted order (they are sorted by name already).
std::string UnsignedQuery(const PresignRequest& request) {
  std::string amz_date = AmzDate(request.time);
  std::string credential = request.access_key_id + "/" + CredentialScope(request, amz_date.substr(0, 8));
  return "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + net::UriEncode(credential, false) +
         "&X-Amz-Date=" + amz_date + "&X-Amz-Expires=" + std::to_string(request.expires.count()) +
         "&X-Amz-SignedHeaders=host";
}

}  // namespace

std::string PresignCanonicalRequest(const PresignRequest& request) {
  return request.method + "\n" + request.canonical_uri + "\n" + UnsignedQuery(request) + "\n" +
         "host:" + request.host + "\n\nhost\nUNSIGNED-PAYLOAD";
}

std::string PresignQuery(const PresignRequest& request) {
  std::string amz_date = AmzDate(request.time);
  std::string date = amz_date.substr(0, 8);
  std::string string_to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + CredentialScope(request, date) +
                               "\n" + Sha256Hex(PresignCanonicalRequest(request));
  std::string key = HmacSha256("AWS4" + request.secret_access_key, date);
  key = HmacSha256(key, request.region);
  key = HmacSha256(key, request.service);
  key = HmacSha256(key, "aws4_request");
  return UnsignedQuery(request) + "&X-Amz-Signature=" + HexEncode(HmacSha256(key, string_to_sign));
}

}  // namespace reflector::storage
