#include "web/web_assets.hpp"

#include <algorithm>

namespace reflector::web {

const Asset* FindAsset(std::string_view name) {
  const auto assets = Assets();
  const auto found =
      std::find_if(assets.begin(), assets.end(), [&](const Asset& a) { return a.name == name; });
  return found == assets.end() ? nullptr : &*found;
}

}  // namespace reflector::web
