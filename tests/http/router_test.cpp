#include "http/router.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace reflector::http {
namespace {

Request Make(std::string method, std::string path) {
  Request request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.target = request.path;
  return request;
}

Json BodyOf(const Response& response) {
  return ParseJson(response.body, "response").value();
}

TEST(RouterTest, LiteralSegmentsWinOverParameters) {
  Router router;
  router.Add("GET /v1/transcripts/{id}", [](Request& r) -> Result<Response> {
    return JsonResponse(200, Json{{"id", r.Param("id")}});
  });
  router.Add("GET /v1/transcripts/search", [](Request&) -> Result<Response> {
    return JsonResponse(200, Json{{"search", true}});
  });
  Request search = Make("GET", "/v1/transcripts/search");
  EXPECT_EQ(BodyOf(router.Dispatch(search))["search"], true);
  Request one = Make("GET", "/v1/transcripts/abc");
  EXPECT_EQ(BodyOf(router.Dispatch(one))["id"], "abc");
  EXPECT_EQ(one.route, "GET /v1/transcripts/{id}");
}

TEST(RouterTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  router.Add("GET /x", [](Request&) -> Result<Response> { return JsonResponse(200, Json::object()); });
  router.Add("DELETE /x", [](Request&) -> Result<Response> { return JsonResponse(200, Json::object()); });
  Request missing = Make("GET", "/y");
  EXPECT_EQ(router.Dispatch(missing).status, 404);
  Request wrong = Make("POST", "/x");
  Response refused = router.Dispatch(wrong);
  EXPECT_EQ(refused.status, 405);
  EXPECT_EQ(refused.headers.Get("Allow").value_or(""), "GET, DELETE");
}

TEST(RouterTest, HandlerErrorsBecomeDetailsAndServerErrorsHideTheirMessage) {
  Router router;
  router.Add("GET /bad",
             [](Request&) -> Result<Response> { return Error::InvalidInput("page: must be an integer"); });
  router.Add("GET /boom", [](Request&) -> Result<Response> { return Error::Internal("secret internals"); });
  router.Add("GET /throw", [](Request&) -> Result<Response> { throw std::runtime_error("thrown"); });
  Request bad = Make("GET", "/bad");
  Response answer = router.Dispatch(bad);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(BodyOf(answer)["detail"], "page: must be an integer");
  Request boom = Make("GET", "/boom");
  Response hidden = router.Dispatch(boom);
  EXPECT_EQ(hidden.status, 500);
  EXPECT_EQ(hidden.body.find("secret"), std::string::npos);
  Request thrown = Make("GET", "/throw");
  EXPECT_EQ(router.Dispatch(thrown).status, 500);
}

TEST(RouterTest, AFullDiskIs507InsufficientStorageSayingSoWithoutThePath) {
  Router router;
  router.Add("POST /upload", [](Request&) -> Result<Response> {
    return FileSystemError("cannot write", "/srv/reflector/data/scratch/upload-1/0.upload", ENOSPC);
  });
  Request upload = Make("POST", "/upload");
  Response answer = router.Dispatch(upload);
  EXPECT_EQ(answer.status, 507);
  EXPECT_EQ(ReasonPhrase(507), "Insufficient Storage");
  const std::string detail = BodyOf(answer)["detail"];
  EXPECT_NE(detail.find("no space left on device"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("/srv/reflector"), std::string::npos) << detail;
}

TEST(RouterTest, PreflightsAreAnsweredForAllowedOriginsOnly) {
  Router router(CorsOptions{{"http://app.example"}});
  router.Add("GET /v1/x", [](Request&) -> Result<Response> { return JsonResponse(200, Json::object()); });
  Request preflight = Make("OPTIONS", "/v1/x");
  preflight.headers.Add("Origin", "http://app.example");
  preflight.headers.Add("Access-Control-Request-Method", "GET");
  preflight.headers.Add("Access-Control-Request-Headers", "content-type,authorization");
  Response ok = router.Dispatch(preflight);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.headers.Get("Access-Control-Allow-Origin").value_or(""), "http://app.example");
  EXPECT_EQ(ok.headers.Get("Access-Control-Allow-Headers").value_or(""), "content-type,authorization");
  Request stranger = preflight;
  stranger.headers.Set("Origin", "http://evil.example");
  EXPECT_EQ(router.Dispatch(stranger).status, 400);
  Request real = Make("GET", "/v1/x");
  real.headers.Add("Origin", "http://app.example");
  EXPECT_EQ(router.Dispatch(real).headers.Get("Access-Control-Allow-Origin").value_or(""),
            "http://app.example");
}

TEST(RouterTest, ObserverSeesRouteAndStatus) {
  Router router;
  router.Add("GET /v1/rooms/{id}",
             [](Request&) -> Result<Response> { return ErrorResponse(404, "Room not found"); });
  std::string seen_route;
  int seen_status = 0;
  router.SetObserver([&](std::string_view route, int status, std::chrono::duration<double>) {
    seen_route = std::string(route);
    seen_status = status;
  });
  Request request = Make("GET", "/v1/rooms/7");
  router.Dispatch(request);
  EXPECT_EQ(seen_route, "GET /v1/rooms/{id}");
  EXPECT_EQ(seen_status, 404);
}

TEST(QueryTest, DecodesPlusAndPercentAndRefusesBadEscapes) {
  auto query = ParseQuery("q=hello+world&x=%C3%A9&flag");
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->find("q")->second, "hello world");
  EXPECT_EQ(query->find("x")->second, "\xC3\xA9");
  EXPECT_EQ(query->find("flag")->second, "");
  EXPECT_FALSE(ParseQuery("q=%zz").ok());
}

}  // namespace
}  // namespace reflector::http
