// /health, /v1/conductor/health, /metrics, /v1/config, /v1/me, API keys, and CORS as
// Reflector's browser frontend needs it (reflector-api.md §6).

#include <algorithm>

#include "api/routes.hpp"
#include "api_fixture.hpp"
#include "support/api_endpoints.hpp"
#include "web/web_routes.hpp"

namespace reflector::api::testing {
namespace {

using SystemTest = ApiFixture;

TEST_F(SystemTest, HealthConfigAndMetrics) {
  auto health = Get("/health");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(BodyJson(health), (Json{{"status", "healthy"}}));
  EXPECT_EQ(health.Header("Content-Type").value_or(""), "application/json");

  auto conductor = Get("/v1/conductor/health");
  ASSERT_EQ(conductor.status, 200);
  EXPECT_EQ(BodyJson(conductor), (Json{{"status", "disabled"}, {"connected", false}}));

  EXPECT_EQ(BodyJson(Get("/v1/config")), (Json{{"zulip_enabled", false}, {"email_enabled", false}}));

  auto metrics = Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body, kMetricsText);
  EXPECT_EQ(metrics.Header("Content-Type").value_or("").rfind("text/plain", 0), 0U);
}

TEST_F(SystemTest, ConductorHealthComesFromTheHook) {
  // With a Conductor engine the composition root answers from its client.
  TearDown();
  api_.hooks.conductor_health = [] {
    return Json{{"status", "unhealthy"}, {"connected", false}, {"error", "connection refused"}};
  };
  server_ = std::make_unique<http::Server>(http::ServerOptions{.port = 0}, *router_);
  auto port = server_->Listen();
  ASSERT_TRUE(port.ok());
  port_ = *port;
  server_thread_ = std::thread([this] { server_->Run(); });
  EXPECT_EQ(BodyJson(Get("/v1/conductor/health"))["error"], "connection refused");
}

TEST_F(SystemTest, MeNamesTheCaller) {
  EXPECT_EQ(BodyJson(Get("/v1/me", "ana")), (Json{{"sub", "ana"}, {"email", "ana@example.com"}}));
  auto anonymous = Get("/v1/me");
  ASSERT_EQ(anonymous.status, 200);
  EXPECT_EQ(anonymous.body, "null");
}

TEST_F(SystemTest, ApiKeysAreShownOnceAndOnlyToTheirUser) {
  auto created = SendJson("POST", "/v1/user/api-keys", Json{{"name", "laptop"}}, "ana");
  ASSERT_EQ(created.status, 200) << created.body;
  Json key = BodyJson(created);
  EXPECT_EQ(key["user_id"], "ana");
  EXPECT_EQ(key["name"], "laptop");
  ASSERT_TRUE(key["key"].is_string());
  EXPECT_GE(key["key"].get<std::string>().size(), 20U);

  Json listed = BodyJson(Get("/v1/user/api-keys", "ana"));
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0]["id"], key["id"]);
  EXPECT_FALSE(listed[0].contains("key"));
  EXPECT_EQ(BodyJson(Get("/v1/user/api-keys", "ben")), Json::array());

  const std::string path = "/v1/user/api-keys/" + key["id"].get<std::string>();
  EXPECT_EQ(Send("DELETE", path, {}, "ben").status, 404);  // not ben's
  EXPECT_EQ(Send("DELETE", path, {}, "ana").status, 200);
  EXPECT_EQ(Send("DELETE", path, {}, "ana").status, 404);

  auto anonymous = Get("/v1/user/api-keys");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Header("WWW-Authenticate").value_or(""), "Bearer");
}

TEST_F(SystemTest, CorsPreflightsAreAnsweredForTheFrontendOrigin) {
  auto preflight = Send("OPTIONS", "/v1/transcripts/some-id", {}, {},
                        {{"Origin", std::string(kFrontendOrigin)},
                         {"Access-Control-Request-Method", "PATCH"},
                         {"Access-Control-Request-Headers", "content-type,authorization"}});
  ASSERT_EQ(preflight.status, 200) << preflight.body;
  EXPECT_EQ(preflight.Header("Access-Control-Allow-Origin").value_or(""), kFrontendOrigin);
  EXPECT_NE(preflight.Header("Access-Control-Allow-Methods").value_or("").find("PATCH"), std::string::npos);
  EXPECT_EQ(preflight.Header("Access-Control-Allow-Headers").value_or(""), "content-type,authorization");
  EXPECT_EQ(preflight.Header("Access-Control-Allow-Credentials").value_or(""), "true");

  // Real answers, errors included, carry the origin so the browser can read them.
  for (const std::string path : {"/v1/config", "/v1/transcripts/unknown"}) {
    auto response = Send("GET", path, {}, "ana", {{"Origin", std::string(kFrontendOrigin)}});
    EXPECT_EQ(response.Header("Access-Control-Allow-Origin").value_or(""), kFrontendOrigin) << path;
  }

  auto stranger = Send("OPTIONS", "/v1/transcripts", {}, {},
                       {{"Origin", "http://evil.test"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(stranger.status, 400);
  EXPECT_FALSE(stranger.Header("Access-Control-Allow-Origin").has_value());
  auto plain = Send("GET", "/v1/config", {}, {}, {{"Origin", "http://evil.test"}});
  EXPECT_EQ(plain.status, 200);
  EXPECT_FALSE(plain.Header("Access-Control-Allow-Origin").has_value());
}

// The security tests walk every endpoint of support/api_endpoints.hpp; the list must be the
// server's routes, all of them.
TEST_F(SystemTest, TheSecurityTestsEndpointListIsEveryRoute) {
  http::Router router;
  AddAllRoutes(router, api_, *hub_);
  web::AddWebRoutes(router);
  std::vector<std::string> routes = router.Patterns();
  std::vector<std::string> listed;
  for (const auto& endpoint : reflector::testing::AllApiEndpoints())
    listed.push_back(endpoint.pattern);
  std::sort(routes.begin(), routes.end());
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(routes, listed);
}

}  // namespace
}  // namespace reflector::api::testing
