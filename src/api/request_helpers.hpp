#pragma once
// Reading what a client sent: query parameters and JSON bodies, with errors that name the field
// (answered 400 with {"detail": ...}).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "http/message.hpp"

namespace reflector::api {

// An integer query parameter in [min, max]; `fallback` when absent.
Result<std::int64_t> IntQuery(const http::Request& request, std::string_view name, std::int64_t fallback,
                              std::int64_t min, std::int64_t max);
// A boolean query parameter (true/false/1/0); `fallback` when absent.
Result<bool> BoolQuery(const http::Request& request, std::string_view name, bool fallback);
// A query parameter that must be one of `allowed` when present.
Result<std::optional<std::string>> ChoiceQuery(const http::Request& request, std::string_view name,
                                               const std::vector<std::string_view>& allowed);
// An ISO 8601 date-time with a zone ("2026-03-12T14:30:00Z", "...+02:00") as Unix seconds.
Result<std::optional<double>> TimeQuery(const http::Request& request, std::string_view name);

// The body as a JSON object (at most 1 MiB). Errors say "body: ...".
Result<Json> JsonObjectBody(http::Request& request);
// Optional typed fields of a JSON object; a present field of the wrong type is InvalidInput
// naming it. JSON null counts as absent.
Result<std::optional<std::string>> OptionalString(const Json& body, std::string_view field);
Result<std::optional<bool>> OptionalBool(const Json& body, std::string_view field);
Result<std::optional<std::int64_t>> OptionalInt(const Json& body, std::string_view field);
Result<std::optional<double>> OptionalNumber(const Json& body, std::string_view field);

// {"page", "size", "total", "pages", "items"} with pages = ceil(total / size).
Json PageJson(Json items, std::int64_t total, std::int64_t page, std::int64_t size);

}  // namespace reflector::api
