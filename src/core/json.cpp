#include "core/json.hpp"

namespace reflector {
namespace {

Error MissingField(std::string_view field) {
  return Error::InvalidInput("field '" + std::string(field) + "' is missing");
}

Error WrongType(std::string_view field, std::string_view expected, const Json& value) {
  return Error::InvalidInput("field '" + std::string(field) + "' must be " + std::string(expected) +
                             ", got " + std::string(JsonTypeName(value)));
}

const Json* Find(const Json& object, std::string_view field) {
  if (!object.is_object()) {
    return nullptr;
  }
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

}  // namespace

Result<Json> ParseJson(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for a number too large
    return Error::InvalidInput(std::string(what) + " is not valid JSON: " + e.what());
  }
}

std::string DumpCompact(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string_view JsonTypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::binary:
      return "binary";
    case Json::value_t::discarded:
      return "discarded";
  }
  return "unknown";
}

Result<std::string> GetString(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return MissingField(field);
  if (!value->is_string()) return WrongType(field, "a string", *value);
  return value->get<std::string>();
}

Result<std::int64_t> GetInt(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return MissingField(field);
  if (value->is_number_integer()) return value->get<std::int64_t>();
  if (value->is_number_float()) {
    double d = value->get<double>();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) {
      return static_cast<std::int64_t>(d);
    }
  }
  return WrongType(field, "an integer", *value);
}

Result<double> GetNumber(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return MissingField(field);
  if (!value->is_number()) return WrongType(field, "a number", *value);
  return value->get<double>();
}

Result<bool> GetBool(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return MissingField(field);
  if (!value->is_boolean()) return WrongType(field, "a boolean", *value);
  return value->get<bool>();
}

Result<Json> GetArray(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return MissingField(field);
  if (!value->is_array()) return WrongType(field, "an array", *value);
  return *value;
}

Result<Json> GetObject(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return MissingField(field);
  if (!value->is_object()) return WrongType(field, "an object", *value);
  return *value;
}

Result<std::optional<std::string>> GetOptionalString(const Json& object, std::string_view field) {
  const Json* value = Find(object, field);
  if (value == nullptr) return std::optional<std::string>{};
  if (!value->is_string()) return WrongType(field, "a string", *value);
  return std::optional<std::string>{value->get<std::string>()};
}

Result<std::optional<bool>> GetOptionalBool(const Json& object, std::string_view field) {
  if (Find(object, field) == nullptr) return std::optional<bool>{};
  auto value = GetBool(object, field);
  if (!value) return std::move(value).error();
  return std::optional<bool>{*value};
}

Result<std::optional<std::int64_t>> GetOptionalInt(const Json& object, std::string_view field) {
  if (Find(object, field) == nullptr) return std::optional<std::int64_t>{};
  auto value = GetInt(object, field);
  if (!value) return std::move(value).error();
  return std::optional<std::int64_t>{*value};
}

Result<std::optional<double>> GetOptionalNumber(const Json& object, std::string_view field) {
  if (Find(object, field) == nullptr) return std::optional<double>{};
  auto value = GetNumber(object, field);
  if (!value) return std::move(value).error();
  return std::optional<double>{*value};
}

}  // namespace reflector
