#pragma once
// Paging limits shared by the repositories' Query and Search calls (Reflector's API: page >= 1,
// size 1..100).

#include <cstdint>

namespace reflector::store {

inline constexpr std::int64_t kMaxPageSize = 100;

}  // namespace reflector::store
