#include "net/http_client.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stop_token>
#include <system_error>

#include "net/url.hpp"

static_assert(LIBCURL_VERSION_NUM >= 0x075500, "needs libcurl 7.85 or newer (AWS SigV4, PROTOCOLS_STR)");

namespace reflector::net {
namespace {

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

// At most this much of an error body is kept when the success body goes to a file.
constexpr std::size_t kMaxErrorBody = 64 * 1024;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

// "GET http://host/path" without the query string, which may carry signatures or keys.
std::string Describe(const HttpRequest& request) {
  std::string_view url = request.url;
  std::size_t question = url.find('?');
  std::string out = request.method + " " + std::string(url.substr(0, question));
  if (question != std::string_view::npos) out += "?...";
  return out;
}

// The temporary file a download is written to before it is renamed onto the target.
class TempDownload {
 public:
  ~TempDownload() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }

  Status Open(const std::filesystem::path& target) {
    target_ = target;
    std::string pattern = target.string() + ".part-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    fd_ = ::mkstemp(buffer.data());
    if (fd_ < 0) {
      return Error::Terminal(ErrorKind::kIo, "cannot create a temporary file beside " + target.string() +
                                                 ": " + std::strerror(errno));
    }
    path_ = buffer.data();
    return Ok();
  }

  bool Write(const char* data, std::size_t size) {
    while (size > 0) {
      ssize_t written = ::write(fd_, data, size);
      if (written < 0) {
        if (errno == EINTR) continue;
        write_errno_ = errno;
        return false;
      }
      data += written;
      size -= static_cast<std::size_t>(written);
    }
    return true;
  }

  [[nodiscard]] Error WriteError() const {
    return Error::Terminal(ErrorKind::kIo,
                           "cannot write " + path_.string() + ": " + std::strerror(write_errno_));
  }

  // Flushes the data to disk and renames the temporary file onto the target.
  Status Commit() {
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      return Error::Terminal(ErrorKind::kIo, "cannot flush " + path_.string() + ": " + std::strerror(errno));
    }
    fd_ = -1;
    std::error_code error;
    std::filesystem::rename(path_, target_, error);
    if (error) {
      return Error::Terminal(ErrorKind::kIo, "cannot rename " + path_.string() + " to " + target_.string() +
                                                 ": " + error.message());
    }
    path_.clear();
    return Ok();
  }

 private:
  std::filesystem::path target_;
  std::filesystem::path path_;
  int fd_ = -1;
  int write_errno_ = 0;
};

// Everything the curl callbacks of one exchange need.
struct Transfer {
  CURL* easy = nullptr;
  std::stop_token stop;
  HttpResponse response;
  // Upload source: a file or a memory buffer.
  std::FILE* upload_file = nullptr;
  std::filesystem::path upload_path;
  std::string_view upload_memory;
  std::size_t upload_offset = 0;
  // Download target, when the request has a response_file.
  TempDownload* download = nullptr;
  std::optional<Error> callback_error;
};

std::size_t OnWrite(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  if (transfer->download != nullptr) {
    long status = 0;
    curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      if (!transfer->download->Write(data, bytes)) {
        transfer->callback_error = transfer->download->WriteError();
        return 0;  // any count other than `bytes` makes curl fail with CURLE_WRITE_ERROR
      }
      return bytes;
    }
    std::size_t room = kMaxErrorBody - std::min(kMaxErrorBody, transfer->response.body.size());
    transfer->response.body.append(data, std::min(room, bytes));
    return bytes;
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.starts_with("HTTP/")) {
    // A new response starts (after a redirect or "100 Continue"): keep only the last one's headers.
    transfer->response.headers.clear();
    return bytes;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    transfer->response.headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                                            std::string(Trim(line.substr(colon + 1))));
  }
  return bytes;
}

std::size_t OnRead(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::size_t capacity = size * count;
  if (transfer->upload_file != nullptr) {
    std::size_t read = std::fread(buffer, 1, capacity, transfer->upload_file);
    if (read < capacity && std::ferror(transfer->upload_file) != 0) {
      transfer->callback_error = Error::Terminal(
          ErrorKind::kIo, "cannot read " + transfer->upload_path.string() + ": " + std::strerror(errno));
      return CURL_READFUNC_ABORT;
    }
    return read;
  }
  std::size_t read = std::min(capacity, transfer->upload_memory.size() - transfer->upload_offset);
  std::memcpy(buffer, transfer->upload_memory.data() + transfer->upload_offset, read);
  transfer->upload_offset += read;
  return read;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  return transfer->stop.stop_requested() ? 1 : 0;  // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

Error TransportError(CURLcode code, CURL* easy, const HttpRequest& request, const Url& url,
                     const char* error_buffer) {
  std::string what = Describe(request);
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
    case CURLE_OPERATION_TIMEDOUT: {
      std::string_view text = detail;
      if (text.find("too slow") != std::string_view::npos) {
        return Error::Transient(
            ErrorKind::kTimeout,
            "no data moved for " + std::to_string(request.idle_timeout.count()) + " s: " + what);
      }
      if (text.find("Connection timed out") != std::string_view::npos ||
          text.find("Resolving timed out") != std::string_view::npos) {
        auto limit = request.timeout.count() > 0 ? std::min(request.timeout, request.connect_timeout)
                                                 : request.connect_timeout;
        return Error::Transient(ErrorKind::kTimeout,
                                "connect timed out after " + std::to_string(limit.count()) + " ms: " + what);
      }
      return Error::Transient(ErrorKind::kTimeout,
                              "timed out after " + std::to_string(request.timeout.count()) + " ms: " + what);
    }
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

// The checks Send makes on a multipart request before any transfer.
Status CheckMultipart(const HttpRequest& request) {
  if (request.method != "POST") {
    return Error::InvalidInput("a multipart body needs POST (" + Describe(request) + ")");
  }
  if (!request.body.empty() || request.body_file) {
    return Error::InvalidInput("both a multipart body and a body given for " + Describe(request));
  }
  if (FindHeader(request.headers, "Content-Type")) {
    return Error::InvalidInput("a multipart body sets its own Content-Type; remove the header (" +
                               Describe(request) + ")");
  }
  for (const MultipartPart& part : request.multipart) {
    if (!part.file) continue;
    std::error_code error;
    bool regular = std::filesystem::is_regular_file(*part.file, error);
    FilePtr readable(regular ? std::fopen(part.file->c_str(), "rb") : nullptr);
    if (!readable) {
      std::string reason = error ? error.message() : (regular ? std::strerror(errno) : "not a regular file");
      return Error::InvalidInput("cannot read multipart file " + part.file->string() + " (part '" +
                                 part.name + "'): " + reason + " (" + Describe(request) + ")");
    }
  }
  return Ok();
}

// Builds the curl MIME structure of a checked multipart request.
Result<CurlMimePtr> BuildMime(CURL* easy, const HttpRequest& request) {
  CurlMimePtr mime(curl_mime_init(easy));
  if (!mime) return Error::Internal("cannot create a multipart body for " + Describe(request));
  for (const MultipartPart& part : request.multipart) {
    curl_mimepart* added = curl_mime_addpart(mime.get());
    if (added == nullptr) return Error::Internal("cannot add a multipart part for " + Describe(request));
    CURLcode code = curl_mime_name(added, part.name.c_str());
    if (code == CURLE_OK) {
      code = part.file ? curl_mime_filedata(added, part.file->c_str())
                       : curl_mime_data(added, part.value.data(), part.value.size());
    }
    if (code == CURLE_OK && !part.filename.empty()) code = curl_mime_filename(added, part.filename.c_str());
    if (code == CURLE_OK && !part.content_type.empty())
      code = curl_mime_type(added, part.content_type.c_str());
    if (code != CURLE_OK) {
      return Error::InvalidInput("multipart part '" + part.name + "' of " + Describe(request) + ": " +
                                 curl_easy_strerror(code));
    }
  }
  return mime;
}

template <typename T>
void SetOption(CURL* easy, CURLoption option, T value) {
  // Options are fixed at compile time; a failure here is a programming error that the transfer
  // itself then reports (for example CURLE_UNKNOWN_OPTION from curl_easy_perform).
  (void)curl_easy_setopt(easy, option, value);
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
  REFLECTOR_ASSIGN_OR_RETURN(Url url, ParseUrl(request.url));
  if (url.scheme != "http" && url.scheme != "https") {
    return Error::InvalidInput("unsupported URL scheme '" + url.scheme + "' in " + Describe(request));
  }
  if (request.method.empty()) return Error::InvalidInput("empty HTTP method for " + request.url);
  if (request.body_file && !request.body.empty()) {
    return Error::InvalidInput("both a body and a body file given for " + Describe(request));
  }
  bool multipart = !request.multipart.empty();
  if (multipart) REFLECTOR_TRY(CheckMultipart(request));
  if (stop.stop_requested()) return Error::Cancelled("cancelled: " + Describe(request));

  Transfer transfer;
  transfer.stop = stop;

  // The body source and its size.
  FilePtr upload_file;
  curl_off_t body_size = 0;
  if (request.body_file) {
    std::error_code error;
    auto size = std::filesystem::file_size(*request.body_file, error);
    if (!error) upload_file.reset(std::fopen(request.body_file->c_str(), "rb"));
    if (error || !upload_file) {
      return Error::InvalidInput("cannot read body file " + request.body_file->string() + ": " +
                                 (error ? error.message() : std::strerror(errno)) + " (" + Describe(request) +
                                 ")");
    }
    transfer.upload_file = upload_file.get();
    transfer.upload_path = *request.body_file;
    body_size = static_cast<curl_off_t>(size);
  } else {
    transfer.upload_memory = request.body;
    body_size = static_cast<curl_off_t>(request.body.size());
  }
  bool has_body = request.body_file.has_value() || !request.body.empty() || multipart;

  TempDownload download;
  if (request.response_file) {
    REFLECTOR_TRY(download.Open(*request.response_file));
    transfer.download = &download;
  }

  // Request headers.
  CurlSlistPtr header_list;
  bool has_content_type = false;
  auto append_header = [&](const std::string& line) {
    curl_slist* appended = curl_slist_append(header_list.get(), line.c_str());
    if (appended == nullptr) return false;
    (void)header_list.release();
    header_list.reset(appended);
    return true;
  };
  for (const auto& [name, value] : request.headers) {
    if (EqualsIgnoreCase(name, "Content-Type")) has_content_type = true;
    // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
    if (!append_header(value.empty() ? name + ";" : name + ": " + value)) {
      return Error::Internal("out of memory building headers for " + Describe(request));
    }
  }
  if (!has_content_type && !multipart && (has_body || request.method == "POST")) {
    if (!append_header("Content-Type:")) {
      return Error::Internal("out of memory building headers for " + Describe(request));
    }
  }

  CurlMimePtr mime;  // declared before the handle, so freed after curl is done with it
  std::unique_ptr<Handle> handle = Acquire();
  if (!handle) return Error::Internal("cannot create a curl handle for " + Describe(request));
  CURL* easy = handle->easy.get();
  CURLM* multi = handle->multi.get();
  curl_easy_reset(easy);
  transfer.easy = easy;
  if (multipart) {
    auto built = BuildMime(easy, request);
    if (!built) return std::move(built).error();
    mime = std::move(*built);
  }

  char error_buffer[CURL_ERROR_SIZE] = {};
  SetOption(easy, CURLOPT_ERRORBUFFER, error_buffer);
  SetOption(easy, CURLOPT_URL, request.url.c_str());
  SetOption(easy, CURLOPT_NOSIGNAL, 1L);
  SetOption(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  SetOption(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
  SetOption(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  SetOption(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  if (request.idle_timeout.count() > 0) {
    SetOption(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    SetOption(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.idle_timeout.count()));
  }
  if (request.follow_redirects) {
    SetOption(easy, CURLOPT_FOLLOWLOCATION, 1L);
    SetOption(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SetOption(easy, CURLOPT_MAXREDIRS, 10L);
  }
  SetOption(easy, CURLOPT_HTTPHEADER, header_list.get());
  SetOption(easy, CURLOPT_WRITEFUNCTION, &OnWrite);
  SetOption(easy, CURLOPT_WRITEDATA, &transfer);
  SetOption(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  SetOption(easy, CURLOPT_HEADERDATA, &transfer);
  SetOption(easy, CURLOPT_NOPROGRESS, 0L);
  SetOption(easy, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  SetOption(easy, CURLOPT_XFERINFODATA, &transfer);
  if (request.aws_sigv4) {
    SetOption(easy, CURLOPT_AWS_SIGV4, request.aws_sigv4->provider.c_str());
    SetOption(easy, CURLOPT_USERNAME, request.aws_sigv4->access_key.c_str());
    SetOption(easy, CURLOPT_PASSWORD, request.aws_sigv4->secret_key.c_str());
  }

  // The method and how the body is sent. The body always comes from the read callback, so a
  // file and a string behave the same and curl never copies it.
  if (multipart) {
    SetOption(easy, CURLOPT_MIMEPOST, mime.get());
  } else if (request.method == "HEAD") {
    SetOption(easy, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET" && !has_body) {
    SetOption(easy, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "POST") {
    SetOption(easy, CURLOPT_POST, 1L);
    SetOption(easy, CURLOPT_POSTFIELDSIZE_LARGE, body_size);
    SetOption(easy, CURLOPT_READFUNCTION, &OnRead);
    SetOption(easy, CURLOPT_READDATA, &transfer);
  } else if (has_body || request.method == "PUT") {
    SetOption(easy, CURLOPT_UPLOAD, 1L);
    SetOption(easy, CURLOPT_INFILESIZE_LARGE, body_size);
    SetOption(easy, CURLOPT_READFUNCTION, &OnRead);
    SetOption(easy, CURLOPT_READDATA, &transfer);
    if (request.method != "PUT") SetOption(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else {
    SetOption(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  // Drive the transfer through the multi interface so a stop request can wake the wait at once.
  CURLcode result = CURLE_OK;
  bool stopped = false;
  if (CURLMcode added = curl_multi_add_handle(multi, easy); added != CURLM_OK) {
    return Error::Internal("curl_multi_add_handle failed for " + Describe(request) + ": " +
                           curl_multi_strerror(added));
  }
  {
    std::stop_callback wake(stop, [multi] { curl_multi_wakeup(multi); });
    while (true) {
      int running = 0;
      CURLMcode code = curl_multi_perform(multi, &running);
      if (code != CURLM_OK) {
        result = CURLE_RECV_ERROR;
        std::snprintf(error_buffer, sizeof(error_buffer), "%s", curl_multi_strerror(code));
        break;
      }
      if (running == 0) {
        int left = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
          if (message->msg == CURLMSG_DONE) result = message->data.result;
        }
        break;
      }
      if (stop.stop_requested()) {
        stopped = true;
        break;
      }
      code = curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
      if (code != CURLM_OK) {
        result = CURLE_RECV_ERROR;
        std::snprintf(error_buffer, sizeof(error_buffer), "%s", curl_multi_strerror(code));
        break;
      }
    }
  }
  curl_multi_remove_handle(multi, easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  std::optional<Error> failure;
  if (transfer.callback_error) {
    failure = std::move(transfer.callback_error);
  } else if (stopped || (result == CURLE_ABORTED_BY_CALLBACK && stop.stop_requested())) {
    failure = Error::Cancelled("cancelled: " + Describe(request));
  } else if (result != CURLE_OK) {
    failure = TransportError(result, easy, request, url, error_buffer);
  }
  // Detach our stack data from the handle before it goes back to the pool.
  curl_easy_reset(easy);
  Release(std::move(handle));
  if (failure) return std::move(*failure);

  transfer.response.status = status;
  if (request.response_file && transfer.response.ok()) REFLECTOR_TRY(download.Commit());
  return std::move(transfer.response);
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
  std::string_view text = Trim(*header);
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
