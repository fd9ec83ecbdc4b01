#pragma once
// AWS Signature Version 4 pieces we compute ourselves: query-string presigning of GET URLs.
// Header signing of requests is libcurl's (see net::AwsSigV4); payload hashes and HMACs are
// core/digest.hpp's. Internal to src/storage/s3/. All functions are pure and thread-safe.

#include <chrono>
#include <string>

#include "core/clock.hpp"

namespace reflector::storage {

// "20130524T000000Z" (UTC, whole seconds), the X-Amz-Date format.
std::string AmzDate(WallTime time);

struct PresignRequest {
  std::string method = "GET";
  std::string host;  // the Host header the client will send: "bucket.s3.amazonaws.com", "127.0.0.1:9000"
  std::string canonical_uri;  // the request path, each segment already URI-encoded ("/bucket/a%20b.txt")
  std::string region;         // "us-east-1"
  std::string service = "s3";
  std::string access_key_id;
  std::string secret_access_key;
  WallTime time;                    // the signing time (X-Amz-Date)
  std::chrono::seconds expires{0};  // X-Amz-Expires
};

// The canonical request of a query-presigned request whose only signed header is `host` and
// whose payload is UNSIGNED-PAYLOAD. Exposed for tests.
std::string PresignCanonicalRequest(const PresignRequest& request);

// The query string of the presigned URL, parameters sorted:
// "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=...&X-Amz-Date=...&X-Amz-Expires=...
//  &X-Amz-SignedHeaders=host&X-Amz-Signature=<64 hex>".
std::string PresignQuery(const PresignRequest& request);

}  // namespace reflector::storage
