// Every class of bad input gets a 4xx with a JSON error that names the problem, and
// nothing is written.

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class BadInputTest : public ApiTest {
 public:
  static std::vector<std::string> ExtraArgs() { return {"--body-limit", "4096"}; }
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>();
    server_->AddUser("m1@test.ru", "manager", kPassword, "Менеджер", true);
    server_->Start(ExtraArgs());
  }
  void ExpectError(const HttpResponse& r, int status, const std::string& code, const std::string& field,
                   const std::string& message_part) {
    EXPECT_EQ(r.status, status) << r.body;
    json e = r.json();
    ASSERT_TRUE(e.is_object()) << r.body;
    EXPECT_EQ(e["error"]["code"], code) << r.body;
    if (!field.empty()) {
      EXPECT_EQ(e["error"].value("field", ""), field) << r.body;
    }
    EXPECT_NE(e["error"]["message"].get<std::string>().find(message_part), std::string::npos) << r.body;
  }
  int64_t CountDeals(HttpClient& c) { return static_cast<int64_t>(c.Get("/api/deals?limit=200").json()["items"].size()); }
};

TEST_F(BadInputTest, MalformedJson) {
  auto c = As("m1@test.ru");
  ExpectError(c->Request("POST", "/api/deals", "{\"title\": "), 400, "invalid", "", "not valid JSON");
  ExpectError(c->Request("POST", "/api/deals", ""), 400, "invalid", "", "empty");
  ExpectError(c->Request("POST", "/api/deals", "[1,2]"), 400, "invalid", "", "JSON object");
  EXPECT_EQ(CountDeals(*c), 0);
}

TEST_F(BadInputTest, WrongTypesAndRanges) {
  auto c = As("m1@test.ru");
  ExpectError(c->Post("/api/deals", {{"title", 42}}), 400, "invalid", "title", "must be a string");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"amount", 12.5}}), 400, "invalid", "amount", "kopecks");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"amount", -1}}), 400, "invalid", "amount", "between");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"score", 16}}), 400, "invalid", "score", "between -15 and 15");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"stage", "nowhere"}}), 422, "unprocessable", "stage",
              "no stage 'nowhere' in pipeline it_studio");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"pipeline", "nope"}}), 422, "unprocessable", "pipeline",
              "no pipeline 'nope'");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"decision_date", "31.12.2026"}}), 400, "invalid",
              "decision_date", "ISO 8601");
  ExpectError(c->Post("/api/contacts", {{"name", "x"}, {"phones", {"позвонить"}}}), 400, "invalid", "phones",
              "not a valid phone");
  ExpectError(c->Post("/api/contacts", {{"name", "x"}, {"emails", {"no-at-sign"}}}), 400, "invalid", "emails",
              "not a valid e-mail");
  ExpectError(c->Post("/api/contacts", {{"name", "x"}, {"time_zone", "Mars/Olympus"}}), 400, "invalid", "time_zone",
              "not a known time zone");
  ExpectError(c->Post("/api/tasks", {{"title", "x"}, {"due_at", "2030-01-01"}, {"done", "yes"}}), 400, "invalid",
              "done", "true or false");
  EXPECT_EQ(CountDeals(*c), 0);
}

TEST_F(BadInputTest, MissingUnknownAndServerFields) {
  auto c = As("m1@test.ru");
  ExpectError(c->Post("/api/deals", {{"amount", 100}}), 400, "invalid", "title", "required");
  ExpectError(c->Post("/api/deals", {{"title", "   "}}), 400, "invalid", "title", "must not be empty");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"colour", "red"}}), 400, "invalid", "colour", "unknown field");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"id", 5}}), 400, "invalid", "id", "set by the server");
  ExpectError(c->Post("/api/tasks", {{"title", "x"}, {"due_at", "2030-01-01"}, {"author_id", 1}}), 400, "invalid",
              "author_id", "set by the server");
  auto deal = c->Post("/api/deals", {{"title", "ok"}}).json();
  std::string url = "/api/deals/" + std::to_string(deal["id"].get<int64_t>());
  ExpectError(c->Patch(url, {{"title", "no version"}}), 400, "invalid", "version", "required");
  ExpectError(c->Patch(url, {{"version", "1"}}), 400, "invalid", "version", "positive integer");
  ExpectError(c->Patch(url, {{"version", 1}, {"title", nullptr}}), 400, "invalid", "title", "must not be null");
  ExpectError(c->Patch(url, {{"version", 1}, {"stage", "closing"}}), 400, "invalid", "stage", "POST /api/deals/{id}/move");
}

TEST_F(BadInputTest, UnknownIds) {
  auto c = As("m1@test.ru");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"contact_id", 999999}}), 422, "unprocessable", "contact_id",
              "no such contact");
  ExpectError(c->Post("/api/tasks", {{"title", "x"}, {"due_at", "2030-01-01"}, {"deal_id", 777}}), 422,
              "unprocessable", "deal_id", "no such deal");
  ExpectError(c->Post("/api/deals", {{"title", "x"}, {"members", {424242}}}), 422, "unprocessable", "members",
              "no active user");
  ExpectError(c->Get("/api/deals/999999"), 404, "not_found", "", "no deal with id 999999");
  ExpectError(c->Get("/api/deals/abc"), 404, "not_found", "", "not a valid id");
  ExpectError(c->Get("/api/nothing"), 404, "not_found", "", "no route");
  ExpectError(c->Request("DELETE", "/api/deals"), 405, "method_not_allowed", "", "not allowed");
  EXPECT_EQ(CountDeals(*c), 0);
}

TEST_F(BadInputTest, BadQueryParameters) {
  auto c = As("m1@test.ru");
  ExpectError(c->Get("/api/deals?limit=0"), 400, "invalid", "limit", "1 to 200");
  ExpectError(c->Get("/api/deals?limit=5000"), 400, "invalid", "limit", "1 to 200");
  ExpectError(c->Get("/api/deals?sort=colour"), 400, "invalid", "sort", "cannot sort");
  ExpectError(c->Get("/api/deals?colour=red"), 400, "invalid", "colour", "unknown query parameter");
  ExpectError(c->Get("/api/deals?responsible_id=me"), 400, "invalid", "responsible_id", "integer");
  ExpectError(c->Get("/api/deals?created_from=yesterday"), 400, "invalid", "created_from", "ISO 8601");
}

TEST_F(BadInputTest, OversizedBodyGets413) {
  auto c = As("m1@test.ru");
  json big = {{"title", "x"}, {"description", std::string(10000, 'a')}};
  auto r = c->Post("/api/deals", big);
  ExpectError(r, 413, "too_large", "", "larger than the limit of 4096 bytes");
  HttpClient fresh(port());
  ASSERT_EQ(fresh.Login("m1@test.ru", kPassword), 200);
  EXPECT_EQ(CountDeals(fresh), 0);
}

TEST_F(BadInputTest, IntakeValidation) {
  auto c = As("m1@test.ru");
  ExpectError(c->Post("/api/intake", {{"name", "x"}, {"phone", "+79160000000"}}), 400, "invalid", "channel", "required");
  ExpectError(c->Post("/api/intake", {{"channel", "fax"}, {"phone", "+79160000000"}}), 400, "invalid", "channel",
              "one of");
  ExpectError(c->Post("/api/intake", {{"channel", "site_form"}, {"name", "Без контактов"}}), 400, "invalid", "phone",
              "phone or an e-mail");
  ExpectError(c->Post("/api/intake", {{"channel", "phone"}, {"email", "a@b.ru"}}), 400, "invalid", "phone",
              "phone lead needs");
  ExpectError(c->Post("/api/intake", {{"channel", "email"}, {"email", "not-an-email"}}), 400, "invalid", "email",
              "not a valid e-mail");
  ExpectError(c->Post("/api/intake", {{"channel", "email"}, {"email", "a@b.ru"}, {"amount", "100"}}), 400, "invalid",
              "amount", "kopecks");
  ExpectError(c->Post("/api/intake", {{"channel", "email"}, {"email", "a@b.ru"}, {"fax", "1"}}), 400, "invalid",
              "fax", "unknown field");
  EXPECT_EQ(CountDeals(*c), 0);
}

}  // namespace
}  // namespace voronka::testing
