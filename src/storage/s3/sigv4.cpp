#include "storage/s3/sigv4.hpp"

#include <ctime>

#include "core/digest.hpp"
#include "net/url.hpp"

namespace reflector::storage {

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
