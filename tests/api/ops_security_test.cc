// Web security as a browser and an auditor see it: security headers on every kind of answer,
// no inline script in the web UI, session ids rotated at login and revoked at logout and at a
// password change, and no password, token or full phone number in the server's log.

#include <filesystem>
#include <fstream>
#include <regex>

#include "fixture.h"

namespace voronka::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The web UI's build, if `make web` ran (tests/api/ → web/dist).
fs::path WebDist() { return fs::path(__FILE__).parent_path().parent_path().parent_path() / "web" / "dist"; }

std::string SessionCookie(const HttpResponse& r) {
  std::smatch m;
  std::string h = r.header("set-cookie");
  if (!std::regex_search(h, m, std::regex("voronka_session=([^;]*)"))) return "";
  return m[1];
}

// A request that carries only this session cookie (as an old tab or a thief would).
int StatusWithCookie(int port, const std::string& cookie, const std::string& target = "/api/auth/me") {
  HttpClient c(port);
  return c.Request("GET", target, "", {{"Cookie", "voronka_session=" + cookie}}).status;
}

void ExpectSecurityHeaders(const HttpResponse& r, bool html) {
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("referrer-policy"), "same-origin");
  std::string csp = r.header("content-security-policy");
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  if (html) {
    EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
    // 'unsafe-inline' only for styles, never for scripts.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(csp, m, std::regex("script-src ([^;]*)")));
    EXPECT_EQ(m[1].str().find("unsafe-inline"), std::string::npos) << csp;
  } else {
    EXPECT_EQ(csp, "default-src 'none'; frame-ancestors 'none'");
  }
}

class OpsSecurityTest : public ApiTest {};

TEST_F(OpsSecurityTest, EveryKindOfAnswerCarriesTheSecurityHeaders) {
  auto admin = As("admin@test.ru");
  ExpectSecurityHeaders(admin->Get("/api/users"), false);
  ExpectSecurityHeaders(admin->Get("/api/no/such/route"), false);
  ExpectSecurityHeaders(Anonymous()->Get("/api/users"), false);  // 401
  ExpectSecurityHeaders(Anonymous()->Get("/healthz"), true);
}

TEST(OpsWebSecurity, WebUiHasNoInlineScriptAndItsPagesCarryTheHeaders) {
  if (!fs::exists(WebDist() / "index.html")) GTEST_SKIP() << "web/dist is not built (make web)";
  ServerProcess server;
  server.Start({"--web", WebDist().string()});
  HttpClient c(server.port());
  auto index = c.Get("/");
  ASSERT_EQ(index.status, 200);
  ExpectSecurityHeaders(index, true);
  ExpectSecurityHeaders(c.Get("/deals/12"), true);  // an SPA route
  // Every script is a file from our origin: the CSP (script-src 'self') lets it run.
  std::regex script("<script\\b([^>]*)>([\\s\\S]*?)</script>", std::regex::icase);
  int scripts = 0;
  for (std::sregex_iterator it(index.body.begin(), index.body.end(), script), end; it != end; ++it) {
    ++scripts;
    EXPECT_NE((*it)[1].str().find("src=\"/"), std::string::npos) << "inline or foreign script: " << it->str();
    EXPECT_TRUE(std::regex_match((*it)[2].str(), std::regex("\\s*"))) << "inline script body: " << it->str();
  }
  EXPECT_GE(scripts, 1);
  EXPECT_FALSE(std::regex_search(index.body, std::regex("\\son[a-z]+\\s*=", std::regex::icase)))
      << "inline event handler in index.html";
  EXPECT_EQ(index.body.find("javascript:"), std::string::npos);
  // The scripts themselves are served as JavaScript, never sniffed.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(index.body, m, std::regex("src=\"(/assets/[^\"]+\\.js)\"")));
  auto js = c.Get(m[1]);
  EXPECT_EQ(js.status, 200);
  EXPECT_NE(js.header("content-type").find("javascript"), std::string::npos);
  EXPECT_EQ(js.header("x-content-type-options"), "nosniff");
}

TEST_F(OpsSecurityTest, LoginRotatesTheSessionIdLogoutRevokesIt) {
  auto c = Anonymous();
  auto first = c->Post("/api/auth/login", {{"email", "m1@test.ru"}, {"password", kPassword}});
  ASSERT_EQ(first.status, 200);
  std::string a = SessionCookie(first);
  ASSERT_GE(a.size(), 32u);
  EXPECT_NE(first.header("set-cookie").find("HttpOnly"), std::string::npos);
  EXPECT_NE(first.header("set-cookie").find("SameSite"), std::string::npos);
  // Logging in again (with the old cookie still sent) gives a new id, never the one the
  // browser brought (a planted cookie is useless: no session fixation).
  auto second = c->Post("/api/auth/login", {{"email", "m1@test.ru"}, {"password", kPassword}});
  std::string b = SessionCookie(second);
  ASSERT_FALSE(b.empty());
  EXPECT_NE(a, b);
  EXPECT_EQ(StatusWithCookie(port(), b), 200);
  auto out = c->Post("/api/auth/logout", json::object());
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos) << out.header("set-cookie");
  EXPECT_EQ(StatusWithCookie(port(), b), 401) << "a logged-out session id still works";
  EXPECT_EQ(StatusWithCookie(port(), "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), 401);
}

TEST_F(OpsSecurityTest, PasswordChangeEndsEverySessionOfTheUser) {
  auto laptop = Anonymous(), phone = Anonymous();
  std::string on_laptop = SessionCookie(laptop->Post("/api/auth/login", {{"email", "m2@test.ru"}, {"password", kPassword}}));
  std::string on_phone = SessionCookie(phone->Post("/api/auth/login", {{"email", "m2@test.ru"}, {"password", kPassword}}));
  ASSERT_EQ(StatusWithCookie(port(), on_phone), 200);
  auto change = laptop->Post("/api/auth/password", {{"old_password", kPassword}, {"new_password", "another-pass-1"}});
  ASSERT_EQ(change.status, 200) << change.body;
  EXPECT_EQ(StatusWithCookie(port(), on_phone), 401) << "the other device's session survived a password change";
  EXPECT_EQ(StatusWithCookie(port(), on_laptop), 401);
  EXPECT_EQ(Anonymous()->Post("/api/auth/login", {{"email", "m2@test.ru"}, {"password", kPassword}}).status, 401);
  // An admin's reset ends the sessions too.
  std::string again = SessionCookie(phone->Post("/api/auth/login", {{"email", "m2@test.ru"}, {"password", "another-pass-1"}}));
  ASSERT_EQ(StatusWithCookie(port(), again), 200);
  auto admin = As("admin@test.ru");
  ASSERT_EQ(admin->Post("/api/users/" + std::to_string(kM2) + "/password", {{"password", "reset-by-admin"}}).status, 200);
  EXPECT_EQ(StatusWithCookie(port(), again), 401);
}

TEST(OpsLogSecrets, NoPasswordTokenOrFullPhoneInTheLogEvenAtTraceLevel) {
  ServerProcess server;
  const std::string password = "Pa55-unique-secret-word";
  server.AddUser("admin@test.ru", "admin", password);
  server.AddUser("m1@test.ru", "manager", password, "Менеджер", true);
  std::string token;
  ASSERT_EQ(server.RunCli({"token", "create", "--email", "admin@test.ru", "--name", "site"}, &token), 0);
  token = token.substr(0, token.find('\n'));
  server.SetGlobalArgs({"--log-level", "trace"});
  server.Start();
  HttpClient c(server.port());
  EXPECT_EQ(c.Login("admin@test.ru", "wrong-" + password), 401);
  EXPECT_EQ(c.Login("admin@test.ru", password), 200);
  EXPECT_EQ(c.Post("/api/auth/password", {{"old_password", "x-" + password}, {"new_password", password + "-2"}}).status, 403);
  HttpClient integration(server.port());
  integration.SetBearer(token);
  auto lead = integration.Post("/api/intake", {{"channel", "phone"}, {"name", "Звонящий"}, {"phone", "8 (916) 123-45-67"}});
  ASSERT_EQ(lead.status, 201) << lead.body;
  EXPECT_EQ(integration.Get("/api/contacts?q=9161234567").status, 200);
  EXPECT_EQ(HttpClient(server.port()).Get("/api/calendar.ics?token=" + token).status, 200);
  HttpClient bad(server.port());
  bad.SetBearer(token + "x");
  EXPECT_EQ(bad.Get("/api/deals").status, 401);
  EXPECT_EQ(server.Terminate(), 0);
  std::string log = server.Log();
  ASSERT_NE(log.find("POST /api/intake 201"), std::string::npos) << "the log has the requests:\n" << log;
  EXPECT_EQ(log.find(password), std::string::npos) << log;
  EXPECT_EQ(log.find(token.substr(4)), std::string::npos) << log;  // the token without its vrk_ prefix
  for (const char* phone : {"9161234567", "916) 123", "123-45-67", "1234567"})
    EXPECT_EQ(log.find(phone), std::string::npos) << phone << " in\n" << log;
}

}  // namespace
}  // namespace voronka::testing
