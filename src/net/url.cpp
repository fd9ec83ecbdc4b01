#include "net/url.hpp"

#include <algorithm>
#include <cctype>

namespace reflector::net {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

void AppendEscaped(std::string& out, unsigned char c) {
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0x0F]);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int DefaultPort(std::string_view scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return 0;
}

std::string FormEncodeOne(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      AppendEscaped(out, c);
    }
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      AppendEscaped(out, c);
    }
  }
  return out;
}

Result<std::string> UriDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return Error::InvalidInput("malformed percent-encoding at byte " + std::to_string(i + 1));
    }
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::string FormUrlEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += FormEncodeOne(key);
    out.push_back('=');
    out += FormEncodeOne(value);
  }
  return out;
}

std::string Url::HostHeader() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != DefaultPort(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::string Url::HostPort() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return out + ":" + std::to_string(port);
}

Result<UrlParts> SplitUrl(std::string_view url) {
  UrlParts out;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return Error::InvalidInput("no scheme");
  out.scheme = std::string(url.substr(0, scheme_end));
  std::transform(out.scheme.begin(), out.scheme.end(), out.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

  std::string_view rest = url.substr(scheme_end + 3);
  if (std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
    out.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  if (std::size_t question = rest.find('?'); question != std::string_view::npos) {
    out.query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash));

  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    std::size_t colon = userinfo.find(':');
    out.user = std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) out.password = std::string(userinfo.substr(colon + 1));
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error::InvalidInput("unterminated IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      return Error::InvalidInput("unexpected text after the IPv6 address");
    }
    if (!after.empty()) port = after.substr(1);
  } else {
    std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (port.find_first_not_of("0123456789") != std::string_view::npos) {
    return Error::InvalidInput("the port is not a number");
  }
  out.port = std::string(port);
  return out;
}

std::string RedactedUrl(const UrlParts& parts) {
  std::string out = parts.scheme + "://";
  if (parts.user) out += *parts.user + (parts.password ? ":***" : "") + "@";
  out += parts.host.find(':') != std::string::npos ? "[" + parts.host + "]" : parts.host;
  if (!parts.port.empty()) out += ":" + parts.port;
  out += parts.path;
  if (parts.query) out += "?" + *parts.query;
  return out;
}

Result<Url> ParseUrl(std::string_view url) {
  auto invalid = [&](std::string_view why) {
    return Error::InvalidInput("invalid URL '" + std::string(url) + "': " + std::string(why));
  };
  auto parts = SplitUrl(url);
  if (!parts) return invalid(parts.error().message);
  if (parts->user) return invalid("user information is not supported");
  if (parts->host.empty()) return invalid("no host");

  Url out;
  out.scheme = std::move(parts->scheme);
  out.host = std::move(parts->host);
  out.port = DefaultPort(out.scheme);
  if (!parts->port.empty()) {
    int port = 0;
    for (char c : parts->port) {
      if (port > 65535) return invalid("bad port");
      port = port * 10 + (c - '0');
    }
    if (port <= 0 || port > 65535) return invalid("bad port");
    out.port = port;
  }
  if (out.port == 0) return invalid("no port and no default port for scheme '" + out.scheme + "'");
  out.path = parts->path.empty() ? "/" : std::move(parts->path);
  out.query = parts->query.value_or("");
  return out;
}

}  // namespace reflector::net
