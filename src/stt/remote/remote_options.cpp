#include "stt/remote/remote_options.hpp"

#include "net/url.hpp"

namespace reflector::stt {

Status CheckRemoteOptions(const RemoteSpeechToTextOptions& options, std::string_view backend) {
  const std::string name(backend);
  auto url = net::ParseUrl(options.url);
  if (!url || (url->scheme != "http" && url->scheme != "https") || !url->query.empty()) {
    return Error::InvalidInput(name + " transcription URL \"" + options.url +
                               "\" is not an absolute http(s) URL without query");
  }
  if (options.timeout.count() <= 0) {
    return Error::InvalidInput(name + " transcription timeout must be positive, not " +
                               std::to_string(options.timeout.count()) + " ms");
  }
  if (options.max_attempts < 1) {
    return Error::InvalidInput(name + " transcription attempts must be at least 1, not " +
                               std::to_string(options.max_attempts));
  }
  if (options.heartbeat_interval.count() <= 0 || options.retry_delay.count() < 0) {
    return Error::InvalidInput(name + " transcription heartbeat interval must be positive and " +
                               "the retry delay not negative");
  }
  return Ok();
}

}  // namespace reflector::stt
