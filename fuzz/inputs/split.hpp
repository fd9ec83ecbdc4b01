#pragma once
// Internal: cutting one fuzz input into the fields a target needs.

#include <string_view>
#include <utility>

namespace reflector::fuzz {

// The text before the first '\n' and the text after it (all of it and "" without one).
inline std::pair<std::string_view, std::string_view> SplitFirstLine(std::string_view data) {
  const std::size_t newline = data.find('\n');
  if (newline == std::string_view::npos) return {data, std::string_view()};
  return {data.substr(0, newline), data.substr(newline + 1)};
}

}  // namespace reflector::fuzz
