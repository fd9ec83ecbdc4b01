#pragma once
// Small URL helpers: percent-encoding (AWS rules), form encoding, and splitting an http(s) URL
// into its parts. Pure functions, thread-safe.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace reflector::net {

// Percent-encodes every byte except the unreserved characters `A-Za-z0-9-_.~` (and `/` when
// `keep_slash`), with upper-case hex, as AWS Signature Version 4 requires. A space becomes
// "%20", a UTF-8 "é" becomes "%C3%A9".
std::string UriEncode(std::string_view text, bool keep_slash);

// Decodes "%XX" sequences (and nothing else: '+' stays '+'). Malformed sequences are kept as is.
std::string UriDecode(std::string_view text);

// application/x-www-form-urlencoded: "k1=v1&k2=v2", unreserved bytes kept, a space as '+',
// everything else "%XX". Pairs keep their order.
std::string FormUrlEncode(const std::vector<std::pair<std::string, std::string>>& fields);

struct Url {
  std::string scheme;  // lower case: "http" or "https" (other schemes are kept as given)
  std::string host;    // without brackets for IPv6 literals
  int port = 0;        // explicit port, or the scheme's default (80/443)
  std::string path;    // still percent-encoded; "/" when the URL has none
  std::string query;   // without '?'; empty when absent

  // The Host header value: host, plus ":port" when the port is not the scheme's default.
  [[nodiscard]] std::string HostHeader() const;
  // "host:port", always with the port (for messages such as "connection refused: ...").
  [[nodiscard]] std::string HostPort() const;
};

// Splits "scheme://host[:port][/path][?query][#fragment]". The fragment is dropped. User
// information ("user@host") is refused. Errors are InvalidInput and quote the URL.
Result<Url> ParseUrl(std::string_view url);

}  // namespace reflector::net
