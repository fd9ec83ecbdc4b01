# Script mode (cmake -P): turns the page's files into a C++ source defining
# reflector::web::Assets(), so `reflector serve` carries its web page inside the binary.
#   -DSOURCE_DIR=<folder of the files> -DFILES=<name;name;...> -DOUTPUT=<generated .cpp>
# Each file becomes a byte array (any content, binary included) with its content type (from the
# extension) and an ETag (the first 16 hex digits of its SHA-256).
cmake_minimum_required(VERSION 3.25)

function(content_type_of name out)
  get_filename_component(ext "${name}" LAST_EXT)
  string(TOLOWER "${ext}" ext)
  if(ext STREQUAL ".html")
    set(type "text/html; charset=utf-8")
  elseif(ext STREQUAL ".css")
    set(type "text/css; charset=utf-8")
  elseif(ext STREQUAL ".js" OR ext STREQUAL ".mjs")
    set(type "text/javascript; charset=utf-8")
  elseif(ext STREQUAL ".json")
    set(type "application/json")
  elseif(ext STREQUAL ".svg")
    set(type "image/svg+xml")
  elseif(ext STREQUAL ".png")
    set(type "image/png")
  elseif(ext STREQUAL ".txt")
    set(type "text/plain; charset=utf-8")
  else()
    message(FATAL_ERROR "embed_assets: no content type for ${name}; add its extension to src/web/embed_assets.cmake")
  endif()
  set(${out} "${type}" PARENT_SCOPE)
endfunction()

set(arrays "")
set(table "")
set(index 0)
foreach(name IN LISTS FILES)
  set(path "${SOURCE_DIR}/${name}")
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "embed_assets: ${path} does not exist")
  endif()
  file(READ "${path}" hex HEX)
  file(SHA256 "${path}" digest)
  string(SUBSTRING "${digest}" 0 16 etag)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # Line breaks every 24 bytes keep the generated file readable by editors and compilers.
  string(REPEAT "0x[0-9a-f][0-9a-f]," 24 line)
  string(REGEX REPLACE "(${line})" "\\1\n    " bytes "${bytes}")
  content_type_of("${name}" type)
  string(APPEND arrays "// ${name}\nconstexpr unsigned char kAsset${index}[] = {\n    ${bytes}0x00};\n\n")
  string(APPEND table "      {\"${name}\", \"${type}\", Bytes(kAsset${index}, ${size}), \"\\\"${etag}\\\"\"},\n")
  math(EXPR index "${index} + 1")
endforeach()

set(content "// Generated from web/src by src/web/embed_assets.cmake at build time; do not edit.
#include <span>
#include <string_view>

#include \"web/web_assets.hpp\"

namespace reflector::web {
namespace {

${arrays}std::string_view Bytes(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace

std::span<const Asset> Assets() {
  static const Asset kAssets[] = {
${table}  };
  return kAssets;
}

}  // namespace reflector::web
")
# Rewritten only when it changes, so an unchanged page compiles nothing.
file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT "${content}" @ONLY)
