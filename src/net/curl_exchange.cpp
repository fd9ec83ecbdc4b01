#include "net/curl_exchange.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace reflector::net {
namespace {

// At most this much of an error body is kept when the success body goes to a file.
constexpr std::size_t kMaxErrorBody = std::size_t{64} * 1024;

template <typename T>
void SetOption(CURL* easy, CURLoption option, T value) {
  // Options are fixed at compile time; a failure here is a programming error that the transfer
  // itself then reports (for example CURLE_UNKNOWN_OPTION from curl_easy_perform).
  (void)curl_easy_setopt(easy, option, value);
}

// Builds the curl MIME structure of a checked multipart request.
Result<CurlMimePtr> BuildMime(CURL* easy, const HttpRequest& request) {
  CurlMimePtr mime(curl_mime_init(easy));
  if (!mime) return Error::Internal("cannot create a multipart body for " + DescribeRequest(request));
  for (const MultipartPart& part : request.multipart) {
    curl_mimepart* added = curl_mime_addpart(mime.get());
    if (added == nullptr)
      return Error::Internal("cannot add a multipart part for " + DescribeRequest(request));
    CURLcode code = curl_mime_name(added, part.name.c_str());
    if (code == CURLE_OK) {
      code = part.file ? curl_mime_filedata(added, part.file->c_str())
                       : curl_mime_data(added, part.value.data(), part.value.size());
    }
    if (code == CURLE_OK && !part.filename.empty()) code = curl_mime_filename(added, part.filename.c_str());
    if (code == CURLE_OK && !part.content_type.empty())
      code = curl_mime_type(added, part.content_type.c_str());
    if (code != CURLE_OK) {
      return Error::InvalidInput("multipart part '" + part.name + "' of " + DescribeRequest(request) + ": " +
                                 curl_easy_strerror(code));
    }
  }
  return mime;
}

// CURLE_OPERATION_TIMEDOUT: which of the request's limits ran out, told by curl's message.
Error TimeoutError(const HttpRequest& request, std::string_view detail, const std::string& what) {
  if (detail.find("too slow") != std::string_view::npos) {
    return Error::Transient(
        ErrorKind::kTimeout,
        "no data moved for " + std::to_string(request.idle_timeout.count()) + " s: " + what);
  }
  if (detail.find("Connection timed out") != std::string_view::npos ||
      detail.find("Resolving timed out") != std::string_view::npos) {
    auto limit = request.timeout.count() > 0 ? std::min(request.timeout, request.connect_timeout)
                                             : request.connect_timeout;
    return Error::Transient(ErrorKind::kTimeout,
                            "connect timed out after " + std::to_string(limit.count()) + " ms: " + what);
  }
  return Error::Transient(ErrorKind::kTimeout,
                          "timed out after " + std::to_string(request.timeout.count()) + " ms: " + what);
}

// A failed transfer as an Error that names the request (and the address where it helps).
Error TransportError(CURLcode code, CURL* easy, const HttpRequest& request, const Url& url,
                     const char* error_buffer) {
  std::string what = DescribeRequest(request);
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_CONNECT: {
      long os_errno = 0;
      curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
      if (os_errno == ECONNREFUSED) {
        return Error::Transient(ErrorKind::kUnavailable,
                                "connection refused: " + url.HostPort() + " (" + what + ")");
      }
      return Error::Transient(ErrorKind::kUnavailable,
                              "cannot connect to " + url.HostPort() + ": " + detail + " (" + what + ")");
    }
    case CURLE_COULDNT_RESOLVE_HOST:
      return Error::Transient(ErrorKind::kUnavailable,
                              "cannot resolve host '" + url.host + "': " + detail + " (" + what + ")");
    case CURLE_OPERATION_TIMEDOUT:
      return TimeoutError(request, detail, what);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return Error::InvalidInput("bad request " + what + ": " + detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_TOO_MANY_REDIRECTS:
      return Error::Terminal(ErrorKind::kExternal, detail + " (" + what + ")");
    default:
      return Error::Transient(ErrorKind::kUnavailable, detail + " (" + what + ")");
  }
}

}  // namespace

std::string DescribeRequest(const HttpRequest& request) {
  std::string_view url = request.url;
  std::size_t question = url.find('?');
  std::string out = request.method + " " + std::string(url.substr(0, question));
  if (question != std::string_view::npos) out += "?...";
  return out;
}

std::string_view TrimHeaderText(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

CurlExchange::CurlExchange(const HttpRequest& request, Url url, std::stop_token stop)
    : request_(request), url_(std::move(url)), stop_(std::move(stop)) {}

Status CurlExchange::Prepare() {
  REFLECTOR_TRY(OpenBodySource());
  if (request_.response_file) REFLECTOR_TRY(download_.Open(*request_.response_file));
  return BuildHeaderList();
}

Status CurlExchange::OpenBodySource() {
  if (!request_.body_file) {
    upload_memory_ = request_.body;
    body_size_ = static_cast<curl_off_t>(request_.body.size());
    return Ok();
  }
  std::error_code error;
  auto size = std::filesystem::file_size(*request_.body_file, error);
  if (!error) upload_file_.reset(std::fopen(request_.body_file->c_str(), "rb"));
  if (error || !upload_file_) {
    return Error::InvalidInput("cannot read body file " + request_.body_file->string() + ": " +
                               (error ? error.message() : std::strerror(errno)) + " (" +
                               DescribeRequest(request_) + ")");
  }
  body_size_ = static_cast<curl_off_t>(size);
  return Ok();
}

Status CurlExchange::BuildHeaderList() {
  auto append = [&](const std::string& line) {
    curl_slist* appended = curl_slist_append(header_list_.get(), line.c_str());
    if (appended == nullptr) return false;
    (void)header_list_.release();
    header_list_.reset(appended);
    return true;
  };
  auto out_of_memory = [&] {
    return Error::Internal("out of memory building headers for " + DescribeRequest(request_));
  };
  for (const auto& [name, value] : request_.headers) {
    // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
    if (!append(value.empty() ? name + ";" : name + ": " + value)) return out_of_memory();
  }
  // Without a Content-Type header, curl would add its form default; "Content-Type:" suppresses it.
  const bool multipart = !request_.multipart.empty();
  const bool has_body = request_.body_file.has_value() || !request_.body.empty() || multipart;
  if (!FindHeader(request_.headers, "Content-Type") && !multipart &&
      (has_body || request_.method == "POST")) {
    if (!append("Content-Type:")) return out_of_memory();
  }
  return Ok();
}

Status CurlExchange::Attach(CURLM* multi, CURL* easy, const std::string& user_agent) {
  multi_ = multi;
  easy_ = easy;
  curl_easy_reset(easy_);
  if (!request_.multipart.empty()) {
    REFLECTOR_ASSIGN_OR_RETURN(mime_, BuildMime(easy_, request_));
  }
  SetTransferOptions(user_agent);
  SetCallbacks();
  SetMethodAndBody();
  if (CURLMcode added = curl_multi_add_handle(multi_, easy_); added != CURLM_OK) {
    return Error::Internal("curl_multi_add_handle failed for " + DescribeRequest(request_) + ": " +
                           curl_multi_strerror(added));
  }
  return Ok();
}

void CurlExchange::SetTransferOptions(const std::string& user_agent) {
  SetOption(easy_, CURLOPT_ERRORBUFFER, error_buffer_);
  SetOption(easy_, CURLOPT_URL, request_.url.c_str());
  SetOption(easy_, CURLOPT_NOSIGNAL, 1L);
  SetOption(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  SetOption(easy_, CURLOPT_USERAGENT, user_agent.c_str());
  SetOption(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(request_.timeout.count()));
  SetOption(easy_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request_.connect_timeout.count()));
  if (request_.idle_timeout.count() > 0) {
    SetOption(easy_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    SetOption(easy_, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request_.idle_timeout.count()));
  }
  if (request_.follow_redirects) {
    SetOption(easy_, CURLOPT_FOLLOWLOCATION, 1L);
    SetOption(easy_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SetOption(easy_, CURLOPT_MAXREDIRS, 10L);
  }
  SetOption(easy_, CURLOPT_HTTPHEADER, header_list_.get());
  if (request_.aws_sigv4) {
    SetOption(easy_, CURLOPT_AWS_SIGV4, request_.aws_sigv4->provider.c_str());
    SetOption(easy_, CURLOPT_USERNAME, request_.aws_sigv4->access_key.c_str());
    SetOption(easy_, CURLOPT_PASSWORD, request_.aws_sigv4->secret_key.c_str());
  }
}

void CurlExchange::SetCallbacks() {
  SetOption(easy_, CURLOPT_WRITEFUNCTION, &CurlExchange::OnWrite);
  SetOption(easy_, CURLOPT_WRITEDATA, this);
  SetOption(easy_, CURLOPT_HEADERFUNCTION, &CurlExchange::OnHeader);
  SetOption(easy_, CURLOPT_HEADERDATA, this);
  SetOption(easy_, CURLOPT_NOPROGRESS, 0L);
  SetOption(easy_, CURLOPT_XFERINFOFUNCTION, &CurlExchange::OnProgress);
  SetOption(easy_, CURLOPT_XFERINFODATA, this);
}

// The method and how the body is sent. The body always comes from the read callback, so a file
// and a string behave the same and curl never copies it.
void CurlExchange::SetMethodAndBody() {
  const std::string& method = request_.method;
  const bool has_body = request_.body_file.has_value() || !request_.body.empty();
  if (!request_.multipart.empty()) {
    SetOption(easy_, CURLOPT_MIMEPOST, mime_.get());
  } else if (method == "HEAD") {
    SetOption(easy_, CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && !has_body) {
    SetOption(easy_, CURLOPT_HTTPGET, 1L);
  } else if (method == "POST") {
    SetOption(easy_, CURLOPT_POST, 1L);
    SetOption(easy_, CURLOPT_POSTFIELDSIZE_LARGE, body_size_);
    SetOption(easy_, CURLOPT_READFUNCTION, &CurlExchange::OnRead);
    SetOption(easy_, CURLOPT_READDATA, this);
  } else if (has_body || method == "PUT") {
    SetOption(easy_, CURLOPT_UPLOAD, 1L);
    SetOption(easy_, CURLOPT_INFILESIZE_LARGE, body_size_);
    SetOption(easy_, CURLOPT_READFUNCTION, &CurlExchange::OnRead);
    SetOption(easy_, CURLOPT_READDATA, this);
    if (method != "PUT") SetOption(easy_, CURLOPT_CUSTOMREQUEST, method.c_str());
  } else {
    SetOption(easy_, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
}

// Drives the transfer through the multi interface so that a stop request wakes the wait at once.
CURLcode CurlExchange::Drive(bool& stopped) {
  std::stop_callback wake(stop_, [multi = multi_] { curl_multi_wakeup(multi); });
  while (true) {
    int running = 0;
    CURLMcode code = curl_multi_perform(multi_, &running);
    if (code == CURLM_OK && running == 0) {
      CURLcode result = CURLE_OK;
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg == CURLMSG_DONE) result = message->data.result;
      }
      return result;
    }
    if (code == CURLM_OK && stop_.stop_requested()) {
      stopped = true;
      return CURLE_OK;
    }
    if (code == CURLM_OK) code = curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    if (code != CURLM_OK) {
      std::snprintf(error_buffer_, sizeof(error_buffer_), "%s", curl_multi_strerror(code));
      return CURLE_RECV_ERROR;
    }
  }
}

Status CurlExchange::Perform() {
  bool stopped = false;
  CURLcode result = Drive(stopped);
  curl_multi_remove_handle(multi_, easy_);
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &response_.status);
  std::optional<Error> failure = FailureOf(result, stopped);
  // Detach this object from the handle before it goes back to a pool.
  curl_easy_reset(easy_);
  easy_ = nullptr;
  multi_ = nullptr;
  if (failure) return std::move(*failure);
  return Ok();
}

std::optional<Error> CurlExchange::FailureOf(CURLcode result, bool stopped) {
  if (callback_error_) return std::move(callback_error_);
  if (stopped || (result == CURLE_ABORTED_BY_CALLBACK && stop_.stop_requested())) {
    return Error::Cancelled("cancelled: " + DescribeRequest(request_));
  }
  if (result != CURLE_OK) return TransportError(result, easy_, request_, url_, error_buffer_);
  return std::nullopt;
}

Result<HttpResponse> CurlExchange::TakeResponse() {
  if (request_.response_file && response_.ok()) REFLECTOR_TRY(download_.Commit());
  return std::move(response_);
}

std::size_t CurlExchange::OnWrite(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<CurlExchange*>(user);
  std::size_t bytes = size * count;
  std::string& body = exchange->response_.body;
  if (!exchange->request_.response_file) {
    body.append(data, bytes);
    return bytes;
  }
  long status = 0;
  curl_easy_getinfo(exchange->easy_, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) {
    if (!exchange->download_.Write(data, bytes)) {
      exchange->callback_error_ = exchange->download_.WriteError();
      return 0;  // any count other than `bytes` makes curl fail with CURLE_WRITE_ERROR
    }
    return bytes;
  }
  std::size_t room = kMaxErrorBody - std::min(kMaxErrorBody, body.size());
  body.append(data, std::min(room, bytes));
  return bytes;
}

std::size_t CurlExchange::OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<CurlExchange*>(user);
  std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    // A new response starts (after a redirect or "100 Continue"): keep only the last one's headers.
    exchange->response_.headers.clear();
    return bytes;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    exchange->response_.headers.emplace_back(std::string(TrimHeaderText(line.substr(0, colon))),
                                             std::string(TrimHeaderText(line.substr(colon + 1))));
  }
  return bytes;
}

std::size_t CurlExchange::OnRead(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* exchange = static_cast<CurlExchange*>(user);
  std::size_t capacity = size * count;
  if (std::FILE* file = exchange->upload_file_.get()) {
    std::size_t read = std::fread(buffer, 1, capacity, file);
    if (read < capacity && std::ferror(file) != 0) {
      exchange->callback_error_ =
          Error::Terminal(ErrorKind::kIo, "cannot read " + exchange->request_.body_file->string() + ": " +
                                              std::strerror(errno));
      return CURL_READFUNC_ABORT;
    }
    return read;
  }
  std::string_view memory = exchange->upload_memory_;
  std::size_t read = std::min(capacity, memory.size() - exchange->upload_offset_);
  std::memcpy(buffer, memory.data() + exchange->upload_offset_, read);
  exchange->upload_offset_ += read;
  return read;
}

int CurlExchange::OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* exchange = static_cast<CurlExchange*>(user);
  return exchange->stop_.stop_requested() ? 1 : 0;  // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

}  // namespace reflector::net
