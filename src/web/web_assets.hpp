#pragma once
// The files of the web page (web/src), compiled into the binary by embed_assets.cmake.

#include <span>
#include <string_view>

namespace reflector::web {

struct Asset {
  std::string_view name;          // file name in web/src, e.g. "main.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;          // the file's bytes; static storage
  std::string_view etag;          // quoted, e.g. "\"0123456789abcdef\"" (from the content)
};

// Every embedded file (generated: web_assets_data.cpp).
std::span<const Asset> Assets();

// The file called `name`, or null.
const Asset* FindAsset(std::string_view name);

}  // namespace reflector::web
