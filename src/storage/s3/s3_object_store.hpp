#pragma once
// Object storage in S3 or an S3-compatible server (MinIO, s3rver, ...).
//
// Requests are signed by libcurl (CURLOPT_AWS_SIGV4, "aws:amz:<region>:s3"). Uploads carry
// `x-amz-content-sha256: <hex SHA-256 of the file>`, computed by streaming the file once before
// sending it: the server then rejects a body that was altered or truncated on the way, at the
// cost of reading the file twice (local disk is far faster than the network). GET/HEAD/DELETE
// send the hash of the empty body. Presigned GET URLs are signed here (see sigv4.hpp).
//
// Statuses: 404 -> kNotFound (Delete: success); 403 -> terminal kExternal "access denied ...";
// 429/5xx and transport failures -> retryable; other 4xx -> terminal kExternal.

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "net/http_client.hpp"
#include "storage/object_store.hpp"

namespace reflector::storage {

enum class S3Addressing {
  // Virtual-hosted for the default AWS endpoint, path-style when an endpoint URL is configured.
  kAuto,
  kPathStyle,      // <endpoint>/<bucket>/<key>
  kVirtualHosted,  // <scheme>://<bucket>.<endpoint host>/<key>
};

struct S3Options {
  S3Addressing addressing = S3Addressing::kAuto;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds request_timeout{60000};  // HEAD and DELETE
  // PUT and GET have no total time limit (objects can be large); they fail when no byte moved
  // for this long.
  std::chrono::seconds transfer_idle_timeout{60};
};

class S3ObjectStore final : public ObjectStore {
 public:
  // Checks the settings (bucket name, region, credentials, endpoint URL) and reports every
  // problem as kInvalidInput. An empty endpoint_url means https://s3.<region>.amazonaws.com.
  // `http` and `clock` must outlive the store.
  static Result<std::unique_ptr<S3ObjectStore>> Create(S3Settings settings, net::HttpClient& http,
                                                       const Clock& clock, S3Options options = {});

  std::string_view Bucket() const override { return settings_.bucket; }
  Status PutFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop = {}) override;
  Status GetFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop = {}) override;
  Status Delete(std::string_view key) override;
  Result<bool> Exists(std::string_view key) override;
  // Signed with the clock's current time; valid for `expires` from then.
  Result<std::string> PresignGet(std::string_view key, std::chrono::seconds expires) override;

  // The unsigned URL of `key` (the key is not validated).
  [[nodiscard]] std::string ObjectUrl(std::string_view key) const;

 private:
  S3ObjectStore(S3Settings settings, net::HttpClient& http, const Clock& clock, S3Options options,
                std::string scheme, std::string host, std::string base_path);

  [[nodiscard]] std::string CanonicalUri(std::string_view key) const;
  [[nodiscard]] std::string Describe(std::string_view key) const;
  [[nodiscard]] net::HttpRequest NewRequest(std::string method, std::string_view key) const;
  [[nodiscard]] Error StatusError(const net::HttpResponse& response, std::string_view action,
                                  std::string_view key) const;

  S3Settings settings_;
  net::HttpClient& http_;
  const Clock& clock_;
  S3Options options_;
  std::string scheme_;     // "http" or "https"
  std::string host_;       // Host header value, bucket included when virtual-hosted
  std::string base_path_;  // endpoint path prefix without trailing '/', bucket included when path-style
};

// Opens buckets with one set of credentials and one endpoint. `http` and `clock` must outlive the
// factory and every store it makes.
class S3ObjectStoreFactory final : public ObjectStoreFactory {
 public:
  // Validates `settings` as S3ObjectStore::Create does (settings.bucket included).
  static Result<std::unique_ptr<S3ObjectStoreFactory>> Create(S3Settings settings, net::HttpClient& http,
                                                              const Clock& clock, S3Options options = {});
  Result<std::unique_ptr<ObjectStore>> ForBucket(std::string_view bucket) override;

 private:
  S3ObjectStoreFactory(S3Settings settings, net::HttpClient& http, const Clock& clock, S3Options options)
      : settings_(std::move(settings)), http_(http), clock_(clock), options_(options) {}

  S3Settings settings_;
  net::HttpClient& http_;
  const Clock& clock_;
  S3Options options_;
};

}  // namespace reflector::storage
