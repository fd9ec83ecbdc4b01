#pragma once
// The web page's routes: GET / (index.html) and GET /assets/{file} (every other file of
// web/src), from the files embedded in the binary. Answers carry an ETag (If-None-Match gives
// 304), Cache-Control: no-cache (revalidated on every load, so a new binary's page is never
// mixed with an old one's), nosniff, and on the page a Content-Security-Policy that allows only
// this server (scripts, styles, fetches and WebSockets).

#include "http/router.hpp"

namespace reflector::web {

void AddWebRoutes(http::Router& router);

}  // namespace reflector::web
