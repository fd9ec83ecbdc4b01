#include "storage/s3/s3_object_store.hpp"

#include <system_error>
#include <vector>

#include "core/digest.hpp"
#include "net/url.hpp"
#include "storage/s3/sigv4.hpp"

namespace reflector::storage {
namespace {

constexpr std::int64_t kMaxPresignSeconds = std::int64_t{7} * 24 * 3600;  // SigV4 limit

// The text of the first <name>...</name> element of an S3 XML error body, or "".
std::string XmlElement(std::string_view xml, std::string_view name) {
  std::string open = "<" + std::string(name) + ">";
  std::string close = "</" + std::string(name) + ">";
  std::size_t start = xml.find(open);
  if (start == std::string_view::npos) return {};
  start += open.size();
  std::size_t end = xml.find(close, start);
  if (end == std::string_view::npos) return {};
  return std::string(xml.substr(start, end - start));
}

}  // namespace

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Create(S3Settings settings, net::HttpClient& http,
                                                             const Clock& clock, S3Options options) {
  std::vector<std::string> problems;
  if (Status bucket = ValidateBucket(settings.bucket); !bucket.ok())
    problems.push_back(bucket.error().message);
  if (settings.region.empty()) problems.emplace_back("S3 region is empty");
  if (settings.access_key_id.empty()) problems.emplace_back("S3 access key id is empty");
  if (settings.secret_access_key.empty()) problems.emplace_back("S3 secret access key is empty");

  std::string endpoint = settings.endpoint_url.empty() ? "https://s3." + settings.region + ".amazonaws.com"
                                                       : settings.endpoint_url;
  std::string scheme;
  std::string host;
  std::string base_path;
  if (auto url = net::ParseUrl(endpoint); !url.ok()) {
    problems.push_back("S3 endpoint URL: " + url.error().message);
  } else if (url->scheme != "http" && url->scheme != "https") {
    problems.push_back("S3 endpoint URL '" + endpoint + "' must start with http:// or https://");
  } else if (!url->query.empty()) {
    problems.push_back("S3 endpoint URL '" + endpoint + "' must not have a query string");
  } else {
    bool virtual_hosted = options.addressing == S3Addressing::kVirtualHosted ||
                          (options.addressing == S3Addressing::kAuto && settings.endpoint_url.empty());
    scheme = url->scheme;
    host = url->HostHeader();
    base_path = url->path;
    while (!base_path.empty() && base_path.back() == '/')
      base_path.pop_back();
    if (virtual_hosted) {
      host = settings.bucket + "." + host;
    } else {
      base_path += "/" + net::UriEncode(settings.bucket, false);
    }
  }
  if (!problems.empty()) {
    std::string message = "invalid S3 settings:";
    for (const auto& problem : problems)
      message += "\n  " + problem;
    return Error::InvalidInput(std::move(message));
  }
  return std::unique_ptr<S3ObjectStore>(new S3ObjectStore(
      std::move(settings), http, clock, options, std::move(scheme), std::move(host), std::move(base_path)));
}

S3ObjectStore::S3ObjectStore(S3Settings settings, net::HttpClient& http, const Clock& clock,
                             S3Options options, std::string scheme, std::string host, std::string base_path)
    : settings_(std::move(settings)),
      http_(http),
      clock_(clock),
      options_(options),
      scheme_(std::move(scheme)),
      host_(std::move(host)),
      base_path_(std::move(base_path)) {}

std::string S3ObjectStore::CanonicalUri(std::string_view key) const {
  return base_path_ + "/" + net::UriEncode(key, /*keep_slash=*/true);
}

std::string S3ObjectStore::ObjectUrl(std::string_view key) const {
  return scheme_ + "://" + host_ + CanonicalUri(key);
}

std::string S3ObjectStore::Describe(std::string_view key) const {
  return "s3://" + settings_.bucket + "/" + std::string(key);
}

net::HttpRequest S3ObjectStore::NewRequest(std::string method, std::string_view key) const {
  static const std::string kEmptyBodySha256 = Sha256Hex("");
  net::HttpRequest request;
  request.method = std::move(method);
  request.url = ObjectUrl(key);
  request.headers = {{"x-amz-content-sha256", kEmptyBodySha256}};
  request.connect_timeout = options_.connect_timeout;
  request.timeout = options_.request_timeout;
  request.aws_sigv4 = net::AwsSigV4{"aws:amz:" + settings_.region + ":s3", settings_.access_key_id,
                                    settings_.secret_access_key};
  return request;
}

Error S3ObjectStore::StatusError(const net::HttpResponse& response, std::string_view action,
                                 std::string_view key) const {
  std::string code = XmlElement(response.body, "Code");
  std::string message = XmlElement(response.body, "Message");
  std::string subject = std::string(action) + " " + Describe(key);
  if (response.status == 404) {
    if (code == "NoSuchBucket") {
      return Error::NotFound("bucket '" + settings_.bucket + "' does not exist (" + subject + ")");
    }
    return Error::NotFound("object not found: " + Describe(key) + " (" + std::string(action) + ")");
  }
  std::string detail = code.empty() ? "" : ": " + code + (message.empty() ? "" : " (" + message + ")");
  if (response.status == 403) {
    return Error::Terminal(
        ErrorKind::kExternal,
        "access denied " + subject + ": HTTP 403" + detail +
            "; check the S3 access key, secret key and region, and the bucket's permissions");
  }
  if (code.empty()) return net::HttpStatusError(response, subject);
  net::HttpResponse summary = response;
  summary.body = code + (message.empty() ? "" : " (" + message + ")");
  return net::HttpStatusError(summary, subject);
}

Status S3ObjectStore::PutFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop) {
  REFLECTOR_TRY(ValidateKey(key));
  std::string subject = "storing " + Describe(key);
  auto sha256 = Sha256HexOfFile(file, stop);
  if (!sha256.ok()) return std::move(sha256).error().WithContext(subject);

  net::HttpRequest request = NewRequest("PUT", key);
  request.headers = {{"x-amz-content-sha256", *sha256}, {"Content-Type", "application/octet-stream"}};
  request.body_file = file;
  request.timeout = std::chrono::milliseconds(0);
  request.idle_timeout = options_.transfer_idle_timeout;
  auto response = http_.Send(request, stop);
  if (!response.ok()) return std::move(response).error().WithContext(subject);
  if (!response->ok()) return StatusError(*response, "storing", key);
  return Ok();
}

Status S3ObjectStore::GetFile(std::string_view key, const std::filesystem::path& file, std::stop_token stop) {
  REFLECTOR_TRY(ValidateKey(key));
  std::string subject = "fetching " + Describe(key);
  if (file.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(file.parent_path(), error);
    if (error) {
      return Error::Terminal(ErrorKind::kIo, subject + ": cannot create directory " +
                                                 file.parent_path().string() + ": " + error.message());
    }
  }
  net::HttpRequest request = NewRequest("GET", key);
  request.response_file = file;
  request.timeout = std::chrono::milliseconds(0);
  request.idle_timeout = options_.transfer_idle_timeout;
  auto response = http_.Send(request, stop);
  if (!response.ok()) return std::move(response).error().WithContext(subject);
  if (!response->ok()) return StatusError(*response, "fetching", key);
  return Ok();
}

Status S3ObjectStore::Delete(std::string_view key) {
  REFLECTOR_TRY(ValidateKey(key));
  auto response = http_.Send(NewRequest("DELETE", key));
  if (!response.ok()) return std::move(response).error().WithContext("deleting " + Describe(key));
  if (response->ok() || response->status == 404) return Ok();
  return StatusError(*response, "deleting", key);
}

Result<bool> S3ObjectStore::Exists(std::string_view key) {
  REFLECTOR_TRY(ValidateKey(key));
  auto response = http_.Send(NewRequest("HEAD", key));
  if (!response.ok()) return std::move(response).error().WithContext("checking " + Describe(key));
  if (response->ok()) return true;
  if (response->status == 404) return false;
  return StatusError(*response, "checking", key);
}

Result<std::string> S3ObjectStore::PresignGet(std::string_view key, std::chrono::seconds expires) {
  REFLECTOR_TRY(ValidateKey(key));
  if (expires.count() < 1 || expires.count() > kMaxPresignSeconds) {
    return Error::InvalidInput("presigned URL lifetime for " + Describe(key) +
                               " must be 1 s to 7 days, got " + std::to_string(expires.count()) + " s");
  }
  PresignRequest request;
  request.method = "GET";
  request.host = host_;
  request.canonical_uri = CanonicalUri(key);
  request.region = settings_.region;
  request.access_key_id = settings_.access_key_id;
  request.secret_access_key = settings_.secret_access_key;
  request.time = clock_.Now();
  request.expires = expires;
  return ObjectUrl(key) + "?" + PresignQuery(request);
}

Result<std::unique_ptr<S3ObjectStoreFactory>> S3ObjectStoreFactory::Create(S3Settings settings,
                                                                           net::HttpClient& http,
                                                                           const Clock& clock,
                                                                           S3Options options) {
  REFLECTOR_TRY(S3ObjectStore::Create(settings, http, clock, options));
  return std::unique_ptr<S3ObjectStoreFactory>(
      new S3ObjectStoreFactory(std::move(settings), http, clock, options));
}

Result<std::unique_ptr<ObjectStore>> S3ObjectStoreFactory::ForBucket(std::string_view bucket) {
  S3Settings settings = settings_;
  settings.bucket = std::string(bucket);
  REFLECTOR_ASSIGN_OR_RETURN(auto store, S3ObjectStore::Create(std::move(settings), http_, clock_, options_));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

}  // namespace reflector::storage
