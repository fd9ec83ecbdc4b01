#include "api/request_helpers.hpp"

#include <charconv>
#include <ctime>

namespace reflector::api {
namespace {

Error FieldError(std::string_view field, std::string_view problem) {
  return Error::InvalidInput(std::string(field) + ": " + std::string(problem));
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<double> ParseIsoTime(std::string_view text) {
  int year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t length, auto& out) {
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, out);
    return ec == std::errc{} && end == text.data() + at + length;
  };
  if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) || !number(11, 2, hour) ||
      !number(14, 2, minute) || !number(17, 2, second) || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t at = 19;
  double fraction = 0;
  if (at < text.size() && text[at] == '.') {
    double scale = 0.1;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10)
      fraction += (text[at] - '0') * scale;
  }
  std::int64_t offset = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    unsigned oh = 0, om = 0;
    if (!number(at + 1, 2, oh) || !number(at + 4, 2, om)) return std::nullopt;
    offset = (text[at] == '+' ? 1 : -1) *
             (static_cast<std::int64_t>(oh) * 3600 + static_cast<std::int64_t>(om) * 60);
    at += 6;
  } else {
    return std::nullopt;  // a zone is required
  }
  if (at != text.size()) return std::nullopt;
  const std::int64_t days = DaysFromCivil(year, month, day);
  const std::int64_t seconds_of_day =
      (static_cast<std::int64_t>(hour) * 3600) + (static_cast<std::int64_t>(minute) * 60) + second;
  return static_cast<double>((days * 86400) + seconds_of_day - offset) + fraction;
}

}  // namespace

Result<std::int64_t> IntQuery(const http::Request& request, std::string_view name, std::int64_t fallback,
                              std::int64_t min, std::int64_t max) {
  auto text = request.Query(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) return FieldError(name, "must be an integer");
  if (value < min || value > max) {
    return FieldError(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

Result<bool> BoolQuery(const http::Request& request, std::string_view name, bool fallback) {
  auto text = request.Query(name);
  if (!text) return fallback;
  if (*text == "true" || *text == "1") return true;
  if (*text == "false" || *text == "0") return false;
  return FieldError(name, "must be true or false");
}

Result<std::optional<std::string>> ChoiceQuery(const http::Request& request, std::string_view name,
                                               const std::vector<std::string_view>& allowed) {
  auto text = request.Query(name);
  if (!text) return std::optional<std::string>();
  for (std::string_view choice : allowed) {
    if (*text == choice) return text;
  }
  std::string list;
  for (std::string_view choice : allowed)
    list += (list.empty() ? "" : ", ") + std::string(choice);
  return FieldError(name, "must be one of " + list);
}

Result<std::optional<double>> TimeQuery(const http::Request& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text) return std::optional<double>();
  auto parsed = ParseIsoTime(*text);
  if (!parsed) return FieldError(name, "must be an ISO 8601 date-time with a time zone");
  return parsed;
}

Result<Json> JsonObjectBody(http::Request& request) {
  auto text = request.ReadBody(std::size_t{1} << 20);
  if (!text) return FieldError("body", text.error().message);
  auto json = ParseJson(*text, "body");
  if (!json) return FieldError("body", "not valid JSON");
  if (!json->is_object()) return FieldError("body", "must be a JSON object");
  return json;
}

Result<std::optional<std::string>> OptionalString(const Json& body, std::string_view field) {
  auto found = body.find(field);
  if (found == body.end() || found->is_null()) return std::optional<std::string>();
  if (!found->is_string()) return FieldError(field, "must be a string");
  return std::optional<std::string>(found->get<std::string>());
}

Result<std::optional<bool>> OptionalBool(const Json& body, std::string_view field) {
  auto found = body.find(field);
  if (found == body.end() || found->is_null()) return std::optional<bool>();
  if (!found->is_boolean()) return FieldError(field, "must be true or false");
  return std::optional<bool>(found->get<bool>());
}

Result<std::optional<std::int64_t>> OptionalInt(const Json& body, std::string_view field) {
  auto found = body.find(field);
  if (found == body.end() || found->is_null()) return std::optional<std::int64_t>();
  if (!found->is_number_integer()) return FieldError(field, "must be an integer");
  return std::optional<std::int64_t>(found->get<std::int64_t>());
}

Result<std::optional<double>> OptionalNumber(const Json& body, std::string_view field) {
  auto found = body.find(field);
  if (found == body.end() || found->is_null()) return std::optional<double>();
  if (!found->is_number()) return FieldError(field, "must be a number");
  return std::optional<double>(found->get<double>());
}

Json PageJson(Json items, std::int64_t total, std::int64_t page, std::int64_t size) {
  const std::int64_t pages = size > 0 ? (total + size - 1) / size : 0;
  return Json{
      {"items", std::move(items)}, {"total", total}, {"page", page}, {"size", size}, {"pages", pages}};
}

}  // namespace reflector::api
