#include "net/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <system_error>

#include "net/curl_exchange.hpp"
#include "net/url.hpp"

static_assert(LIBCURL_VERSION_NUM >= 0x075500, "needs libcurl 7.85 or newer (AWS SigV4, PROTOCOLS_STR)");

namespace reflector::net {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The checks Send makes on a multipart request before any transfer.
Status CheckMultipart(const HttpRequest& request) {
  if (request.method != "POST") {
    return Error::InvalidInput("a multipart body needs POST (" + DescribeRequest(request) + ")");
  }
  if (!request.body.empty() || request.body_file) {
    return Error::InvalidInput("both a multipart body and a body given for " + DescribeRequest(request));
  }
  if (FindHeader(request.headers, "Content-Type")) {
    return Error::InvalidInput("a multipart body sets its own Content-Type; remove the header (" +
                               DescribeRequest(request) + ")");
  }
  for (const MultipartPart& part : request.multipart) {
    if (!part.file) continue;
    std::error_code error;
    bool regular = std::filesystem::is_regular_file(*part.file, error);
    FilePtr readable(regular ? std::fopen(part.file->c_str(), "rb") : nullptr);
    if (!readable) {
      std::string reason = error ? error.message() : (regular ? std::strerror(errno) : "not a regular file");
      return Error::InvalidInput("cannot read multipart file " + part.file->string() + " (part '" +
                                 part.name + "'): " + reason + " (" + DescribeRequest(request) + ")");
    }
  }
  return Ok();
}

// The checks Send makes before any transfer; the request's URL, parsed.
Result<Url> CheckRequest(const HttpRequest& request) {
  REFLECTOR_ASSIGN_OR_RETURN(Url url, ParseUrl(request.url));
  if (url.scheme != "http" && url.scheme != "https") {
    return Error::InvalidInput("unsupported URL scheme '" + url.scheme + "' in " + DescribeRequest(request));
  }
  if (request.method.empty()) return Error::InvalidInput("empty HTTP method for " + request.url);
  if (request.body_file && !request.body.empty()) {
    return Error::InvalidInput("both a body and a body file given for " + DescribeRequest(request));
  }
  if (!request.multipart.empty()) REFLECTOR_TRY(CheckMultipart(request));
  return url;
}

}  // namespace

std::optional<std::string_view> FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

struct HttpClient::Handle {
  CurlMultiPtr multi;
  CurlEasyPtr easy;
};

HttpClient::HttpClient() : HttpClient(Options{}) {}

HttpClient::HttpClient(Options options) : options_(std::move(options)) {
  GlobalInitOnce();
}

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Handle> HttpClient::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  auto handle = std::make_unique<Handle>();
  handle->multi.reset(curl_multi_init());
  handle->easy.reset(curl_easy_init());
  if (!handle->multi || !handle->easy) return nullptr;
  return handle;
}

void HttpClient::Release(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < options_.max_idle_handles) idle_.push_back(std::move(handle));
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request, std::stop_token stop) {
  REFLECTOR_ASSIGN_OR_RETURN(Url url, CheckRequest(request));
  if (stop.stop_requested()) return Error::Cancelled("cancelled: " + DescribeRequest(request));

  CurlExchange exchange(request, std::move(url), stop);  // before the handle: freed after curl is done
  REFLECTOR_TRY(exchange.Prepare());
  std::unique_ptr<Handle> handle = Acquire();
  if (!handle) return Error::Internal("cannot create a curl handle for " + DescribeRequest(request));
  // On an error here the handle is dropped, not pooled.
  REFLECTOR_TRY(exchange.Attach(handle->multi.get(), handle->easy.get(), options_.user_agent));
  Status performed = exchange.Perform();
  Release(std::move(handle));  // Perform detached it from the exchange
  if (!performed.ok()) return std::move(performed).error();
  return exchange.TakeResponse();
}

Error HttpStatusError(const HttpResponse& response, std::string_view what) {
  constexpr std::size_t kMaxBodyInMessage = 500;
  std::string message = std::string(what) + ": HTTP " + std::to_string(response.status);
  std::string body;
  for (char c : response.body) {
    if (body.size() >= kMaxBodyInMessage) break;
    bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space && (body.empty() || body.back() == ' ')) continue;
    body.push_back(space ? ' ' : c);
  }
  while (!body.empty() && body.back() == ' ')
    body.pop_back();
  if (!body.empty()) message += ": " + body + (response.body.size() > kMaxBodyInMessage ? "..." : "");

  if (response.status == 429 || (response.status >= 500 && response.status < 600)) {
    return Error::Transient(ErrorKind::kUnavailable, std::move(message));
  }
  if (response.status == 404) return Error::NotFound(std::move(message));
  return Error::Terminal(ErrorKind::kExternal, std::move(message));
}

std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& response) {
  auto header = response.Header("Retry-After");
  if (!header) return std::nullopt;
  std::string_view text = TrimHeaderText(*header);
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text.front())) != 0 || text.front() == '.')) {
    return std::nullopt;  // also refuses "-1", "+1", "inf" and HTTP dates ("Wed, 21 Oct ...")
  }
  double seconds = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), seconds, std::chars_format::fixed);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(seconds)) {
    return std::nullopt;
  }
  if (seconds > 1e9) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000.0)));
}

}  // namespace reflector::net
