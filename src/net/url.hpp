#pragma once
// Small URL helpers: percent-encoding (AWS rules) and decoding, form encoding, and the one URL
// parser: SplitUrl gives the parts of any "scheme://authority/path" URL (database URLs too),
// RedactedUrl writes them back without the password, ParseUrl checks and completes an http(s)
// URL. Pure functions, thread-safe.

#include <optional>
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

// Decodes "%XX" sequences (either case; nothing else: '+' stays '+'). A '%' not followed by two
// hex digits is InvalidInput; the message gives its position, never the text (which may be a
// password).
Result<std::string> UriDecode(std::string_view text);

// application/x-www-form-urlencoded: "k1=v1&k2=v2", unreserved bytes kept, a space as '+',
// everything else "%XX". Pairs keep their order.
std::string FormUrlEncode(const std::vector<std::pair<std::string, std::string>>& fields);

// The parts of "scheme://[user[:password]@]host[:port][/path][?query][#fragment]" as written:
// nothing decoded, nothing defaulted.
struct UrlParts {
  std::string scheme;                   // lower case
  std::optional<std::string> user;      // set when the authority has '@' (the last one counts)
  std::optional<std::string> password;  // set when the user information has ':'
  std::string host;                     // without brackets for IPv6 literals; may be empty
  std::string port;                     // digits; empty when absent
  std::string path;                     // from its '/'; empty when absent
  std::optional<std::string> query;     // without '?'; set when there is a '?'
  std::optional<std::string> fragment;  // without '#'; set when there is a '#'
};

// Splits a URL. The authority ends at the first '/', '?' or '#'. Errors are InvalidInput with a
// short reason ("no scheme", "the port is not a number", ...) that never quotes the URL, so
// callers can add what they may show.
Result<UrlParts> SplitUrl(std::string_view url);

// The URL put back together from SplitUrl's parts, as written, but with "***" for the password
// (when there is one) and without the fragment: what messages and logs may show.
std::string RedactedUrl(const UrlParts& parts);

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

// An http(s) URL (SplitUrl's parts, checked and defaulted): "scheme://host[:port][/path][?query]
// [#fragment]". The fragment is dropped. User information ("user@host"), an empty host and a
// port outside 1-65535 are refused. Errors are InvalidInput and quote the URL.
Result<Url> ParseUrl(std::string_view url);

}  // namespace reflector::net
