#pragma once
// One HTTP exchange driven through libcurl: what HttpClient::Send does between checking the
// request and returning the response. Internal to reflector_net (includes curl.h).

#include <curl/curl.h>

#include <cstddef>
#include <cstdio>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "net/http_client.hpp"
#include "net/temp_download.hpp"
#include "net/url.hpp"

namespace reflector::net {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlMimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMultiPtr = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;
using CurlMimePtr = std::unique_ptr<curl_mime, CurlMimeDeleter>;
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// "GET http://host/path" without the query string, which may carry signatures or keys.
std::string DescribeRequest(const HttpRequest& request);

// `text` without leading blanks and trailing blanks or line ends (header names and values).
std::string_view TrimHeaderText(std::string_view text);

// Everything curl's callbacks point at during one exchange: the body source, the response sink
// (memory, or a temporary file for HttpRequest::response_file), the header list, the MIME body
// and the error buffer. The request must already be checked (HttpClient::Send does that) and
// must outlive the exchange. Use once, in this order: Prepare, Attach, Perform, TakeResponse.
// Declare it before the curl handles it is attached to, so that it is destroyed after them.
class CurlExchange {
 public:
  CurlExchange(const HttpRequest& request, Url url, std::stop_token stop);
  CurlExchange(const CurlExchange&) = delete;
  CurlExchange& operator=(const CurlExchange&) = delete;

  // Opens the body source and the response file and builds the header list.
  Status Prepare();
  // Resets `easy`, sets every option of the request on it with callbacks pointing at this
  // object, and adds it to `multi`. On an error the handles must not be reused.
  Status Attach(CURLM* multi, CURL* easy, const std::string& user_agent);
  // Runs the transfer until it ends or `stop` is requested, then detaches the handles from this
  // object (they may go back to a pool). Errors: see HttpClient::Send.
  Status Perform();
  // The response of a successful Perform; commits the response file when the status is 2xx.
  Result<HttpResponse> TakeResponse();

 private:
  Status OpenBodySource();
  Status BuildHeaderList();
  void SetTransferOptions(const std::string& user_agent);
  void SetCallbacks();
  void SetMethodAndBody();
  // Drives the multi handle; `stopped` is set when the wait ended on a stop request.
  CURLcode Drive(bool& stopped);
  std::optional<Error> FailureOf(CURLcode result, bool stopped);

  static std::size_t OnWrite(char* data, std::size_t size, std::size_t count, void* user);
  static std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user);
  static std::size_t OnRead(char* buffer, std::size_t size, std::size_t count, void* user);
  static int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

  const HttpRequest& request_;
  const Url url_;
  std::stop_token stop_;
  CURLM* multi_ = nullptr;
  CURL* easy_ = nullptr;
  HttpResponse response_;
  // Body source: `upload_file_` for a body_file, else the request's body from memory.
  FilePtr upload_file_;
  std::string_view upload_memory_;
  std::size_t upload_offset_ = 0;
  curl_off_t body_size_ = 0;
  TempDownload download_;  // open when the request has a response_file
  CurlSlistPtr header_list_;
  CurlMimePtr mime_;
  char error_buffer_[CURL_ERROR_SIZE] = {};
  std::optional<Error> callback_error_;
};

}  // namespace reflector::net
