#include "web/web_routes.hpp"

#include <string>

#include "web/web_assets.hpp"

namespace reflector::web {
namespace {

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

http::Response Serve(const http::Request& request, std::string_view name) {
  const Asset* asset = FindAsset(name);
  if (asset == nullptr) return http::ErrorResponse(404, "Not Found");
  http::Response response;
  response.headers.Set("ETag", std::string(asset->etag));
  response.headers.Set("Cache-Control", "no-cache");
  response.headers.Set("X-Content-Type-Options", "nosniff");
  if (name == "index.html") {
    response.headers.Set("Content-Security-Policy", std::string(kContentSecurityPolicy));
    response.headers.Set("Referrer-Policy", "no-referrer");
  }
  if (request.headers.Get("If-None-Match") == asset->etag) {
    response.status = 304;
    return response;
  }
  response.headers.Set("Content-Type", std::string(asset->content_type));
  response.body = std::string(asset->body);
  return response;
}

}  // namespace

void AddWebRoutes(http::Router& router) {
  router.Add("GET /",
             [](http::Request& request) -> Result<http::Response> { return Serve(request, "index.html"); });
  router.Add("GET /assets/{file}", [](http::Request& request) -> Result<http::Response> {
    const std::string& file = request.Param("file");
    if (file == "index.html") return http::ErrorResponse(404, "Not Found");
    return Serve(request, file);
  });
}

}  // namespace reflector::web
