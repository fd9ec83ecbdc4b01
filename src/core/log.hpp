#pragma once
// Structured logging: one line per event, `time level=... msg="..." key=value ...`, on stderr.
// Thread-safe. The level is set once at startup from configuration.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace reflector::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

Result<Level> ParseLevel(std::string_view text);
std::string_view ToString(Level level);

void SetLevel(Level level);
Level GetLevel();
bool Enabled(Level level);

// One key=value pair. Values are quoted when they contain spaces, quotes or '='.
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v == nullptr ? "" : v) {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, long v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, long long v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, unsigned long v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, unsigned long long v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, double v);

  std::string_view key;
  std::string value;
};

using Fields = std::initializer_list<Field>;

// Formats `msg="..." k=v ...` (without time and level); exposed for tests.
std::string FormatLine(std::string_view message, Fields fields);

void Write(Level level, std::string_view message, Fields fields);

inline void Trace(std::string_view message, Fields fields = {}) {
  Write(Level::kTrace, message, fields);
}
inline void Debug(std::string_view message, Fields fields = {}) {
  Write(Level::kDebug, message, fields);
}
inline void Info(std::string_view message, Fields fields = {}) {
  Write(Level::kInfo, message, fields);
}
inline void Warn(std::string_view message, Fields fields = {}) {
  Write(Level::kWarn, message, fields);
}
inline void Error(std::string_view message, Fields fields = {}) {
  Write(Level::kError, message, fields);
}

}  // namespace reflector::log
