#pragma once
// JSON helpers over nlohmann::json: typed field access whose errors name the field.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace reflector {

using Json = nlohmann::json;

// Parses text; the error names `what` (a file name, "response body", ...).
Result<Json> ParseJson(std::string_view text, std::string_view what);

// Compact serialisation (no spaces), non-ASCII kept as UTF-8.
std::string DumpCompact(const Json& value);

std::string_view JsonTypeName(const Json& value);

// Required fields: missing, null or wrong type is an InvalidInput error naming the field.
Result<std::string> GetString(const Json& object, std::string_view field);
Result<std::int64_t> GetInt(const Json& object, std::string_view field);
Result<double> GetNumber(const Json& object, std::string_view field);
Result<bool> GetBool(const Json& object, std::string_view field);
Result<Json> GetArray(const Json& object, std::string_view field);
Result<Json> GetObject(const Json& object, std::string_view field);

// Optional fields: missing or null gives std::nullopt; a wrong type is still an error.
Result<std::optional<std::string>> GetOptionalString(const Json& object, std::string_view field);
Result<std::optional<std::int64_t>> GetOptionalInt(const Json& object, std::string_view field);
Result<std::optional<double>> GetOptionalNumber(const Json& object, std::string_view field);
Result<std::optional<bool>> GetOptionalBool(const Json& object, std::string_view field);

}  // namespace reflector
