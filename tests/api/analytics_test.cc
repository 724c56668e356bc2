// Plan decomposition and motivation over HTTP, on a recorded month built through the API:
// the numbers a head checks (targets, split, pace, points, pay), access per role, exports.

#include <ctime>

#include "api/fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

constexpr int64_t kRub = 100;

// This month in Moscow ("2026-11"), as the server computes it.
std::string ThisMonth() {
  std::time_t t = std::time(nullptr) + 3 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m", &tm);
  return buf;
}

class AnalyticsTest : public ApiTest {
 protected:
  // The worked example's shape as this month's history, half by m1 and half by m2: 40 leads,
  // 20 reached scoring, 10 the deep interview, 6 a proposal, 4 the presentation, 2 won at
  // 40 000 ₽ — conversions 50 %, 50 %, 60 %, 66.7 %, 50 %.
  static void SetUpTestSuite() {
    ApiTest::SetUpTestSuite();
    HttpClient m1(server_->port()), m2(server_->port());
    EXPECT_EQ(m1.Login("m1@test.ru", kPassword), 200);
    EXPECT_EQ(m2.Login("m2@test.ru", kPassword), 200);
    const std::pair<const char*, int> kAt[] = {{"incoming", 20}, {"scoring", 10}, {"deep_interview", 4},
                                               {"proposal", 2},  {"presentation", 2}, {"won", 2}};
    int n = 0;
    for (const auto& [stage, count] : kAt)
      for (int i = 0; i < count; ++i, ++n) {
        HttpClient& c = n % 2 == 0 ? m1 : m2;
        json body = {{"title", "Сделка " + std::to_string(n)}, {"stage", stage}, {"amount", 40'000 * kRub}};
        auto r = c.Post("/api/deals", body);
        EXPECT_EQ(r.status, 201) << r.body;
      }
  }

  json PlanBody() {
    return {{"month", ThisMonth()}, {"base_month", ThisMonth()}, {"revenue_plan", 800'000 * kRub},
            {"break_even", 400'000 * kRub}};
  }
};

TEST_F(AnalyticsTest, PlanWorksBackUpTheFunnelAndSplitsPerManager) {
  auto head = As("head@test.ru");
  auto r = head->Post("/api/analytics/plan/preview", PlanBody());
  ASSERT_EQ(r.status, 200) << r.body;
  json p = r.json();
  EXPECT_EQ(p["base"]["sales"], 2);
  EXPECT_EQ(p["base"]["average_sale"], 40'000 * kRub);
  EXPECT_EQ(p["plan"]["sales_needed"], 20);
  EXPECT_EQ(p["plan"]["break_even_sales"], 10);
  std::vector<int64_t> base, targets, conversions;
  for (const auto& l : p["plan"]["lines"]) {
    base.push_back(l["base_count"]);
    targets.push_back(l["target"]);
    conversions.push_back(l.value("conversion_permille", 0));
  }
  EXPECT_EQ(base, (std::vector<int64_t>{40, 20, 10, 6, 4, 2}));
  EXPECT_EQ(conversions, (std::vector<int64_t>{500, 500, 600, 667, 500, 0}));
  EXPECT_EQ(targets, (std::vector<int64_t>{400, 200, 100, 60, 40, 20}));
  EXPECT_EQ(p["plan"]["lines"][3]["formula"], "40 ÷ 66.7% = 59.97 → 60");
  // The two managers who take leads, equally.
  ASSERT_EQ(p["plan"]["managers"].size(), 2u);
  for (const auto& m : p["plan"]["managers"]) {
    EXPECT_EQ(m["revenue"], 400'000 * kRub);
    EXPECT_EQ(m["targets"]["won"], 10);
    EXPECT_EQ(m["targets"]["leads"], 200);
  }

  // A manager added on the 16th: a share for the days left.
  json body = PlanBody();
  body["managers"] = {{{"user_id", kM1}}, {{"user_id", kM2}}, {{"user_id", kM3}, {"first_day", 16}}};
  p = head->Post("/api/analytics/plan/preview", body).json();
  ASSERT_EQ(p["plan"]["managers"].size(), 3u);
  EXPECT_LT(p["plan"]["managers"][2]["share_permille"].get<int>(), p["plan"]["managers"][0]["share_permille"].get<int>());
}

TEST_F(AnalyticsTest, ZeroConversionIsA422NamingTheStep) {
  auto head = As("head@test.ru");
  json body = PlanBody();
  body["base_month"] = "2001-01";  // nothing recorded
  body["average_sale"] = 40'000 * kRub;
  auto r = head->Post("/api/analytics/plan/preview", body);
  ASSERT_EQ(r.status, 422) << r.body;
  // Worked up from the sales, the first step with nothing recorded is named.
  EXPECT_EQ(r.json()["error"]["field"], "steps.presentation");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find(
                "no 'Proposal presentation' in the base period, so the conversion 'Proposal presentation' → 'Sales' "
                "is unknown; choose another base period (base month 2001-01)"),
            std::string::npos)
      << r.body;
  body.erase("average_sale");
  r = head->Post("/api/analytics/plan/preview", body);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json()["error"]["field"], "average_sale");
  body = PlanBody();
  body["revenue_plan"] = -5;
  EXPECT_EQ(head->Post("/api/analytics/plan/preview", body).status, 400);
}

TEST_F(AnalyticsTest, OnlyHeadOrAdminSavesAndEachSeesOwnNumbers) {
  std::string url = "/api/analytics/plan/" + ThisMonth();
  EXPECT_EQ(As("m1@test.ru")->Request("PUT", url, PlanBody().dump()).status, 403);
  EXPECT_EQ(As("owner@test.ru")->Request("PUT", url, PlanBody().dump()).status, 403);
  EXPECT_EQ(As("m1@test.ru")->Post("/api/analytics/plan/preview", PlanBody()).status, 403);
  EXPECT_EQ(As("owner@test.ru")->Post("/api/analytics/plan/preview", PlanBody()).status, 200);
  auto head = As("head@test.ru");
  EXPECT_EQ(head->Get(url + "/progress").status, 404);
  auto saved = head->Request("PUT", url, PlanBody().dump());
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.json()["version"], 1);
  EXPECT_EQ(head->Request("PUT", url, PlanBody().dump()).json()["version"], 2);

  auto got = head->Get("/api/analytics/plan?month=" + ThisMonth()).json();
  EXPECT_EQ(got["saved"]["plan"]["sales_needed"], 20);
  EXPECT_EQ(got["saved"]["plan"]["managers"].size(), 2u);
  auto mine = As("m1@test.ru")->Get("/api/analytics/plan?month=" + ThisMonth()).json();
  ASSERT_EQ(mine["saved"]["plan"]["managers"].size(), 1u);
  EXPECT_EQ(mine["saved"]["plan"]["managers"][0]["user_id"], kM1);

  // Progress: this month's actuals are the recorded ones (2 sales of 40 000 ₽, one each).
  auto progress = head->Get(url + "/progress");
  ASSERT_EQ(progress.status, 200) << progress.body;
  json team = progress.json()["team"];
  EXPECT_EQ(team[0]["code"], "revenue");
  EXPECT_EQ(team[0]["target"], 800'000 * kRub);
  EXPECT_EQ(team[0]["actual"], 80'000 * kRub);
  EXPECT_EQ(team.back()["code"], "won");
  EXPECT_EQ(team.back()["actual"], 2);
  EXPECT_EQ(team[1]["actual"], 40);  // leads
  int elapsed = progress.json()["elapsed_days"];
  int days = progress.json()["days_in_month"];
  EXPECT_EQ(team[0]["projection"], 80'000 * kRub * days / elapsed);
  auto own = As("m1@test.ru")->Get(url + "/progress").json();
  ASSERT_EQ(own["managers"].size(), 1u);
  EXPECT_EQ(own["team"][0]["actual"], 40'000 * kRub);
  EXPECT_EQ(own["team"][0]["target"], 400'000 * kRub);
  // m3 is outside the head's team: the curator sees everyone, the head only the team.
  EXPECT_EQ(As("curator@test.ru")->Get(url + "/progress").status, 200);

  auto xlsx = head->Get(url + "/export");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_NE(xlsx.header("content-disposition").find("plan-" + ThisMonth() + ".xlsx"), std::string::npos);
  auto csv = head->Get(url + "/export?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("Продажи;2;;20;800 000 ₽ ÷ 40 000 ₽ = 20.00 → 20"), std::string::npos) << csv.body;
}


// The recorded month through the shipped scheme, by hand: m1 created deals 0, 2, … of the
// history above — 10 reached screening (contact, 3 points each), 2 the presentation (proposal,
// 20), 1 won at 40 000 ₽ (30) — plus 3 calls with goal and next step (2 each), 1 call without
// a next step (nothing) and a full meeting (10): 30 + 40 + 30 + 6 + 10 = 116 points, below 445 →
// base 10 000 ₽; 40 000 ₽ of the scheme's 200 000 ₽ sales plan = 20 % → 10 % = 4 000 ₽.
// m2: the same deals without activities: 100 points, 14 000 ₽.
TEST_F(AnalyticsTest, MotivationSheetOfTheRecordedMonth) {
  auto m1 = As("m1@test.ru");
  auto call = [&](const char* next) {
    json body = {{"type", "call"}, {"goal", "Договориться о встрече"}};
    if (next) body["next_step"] = next;
    auto r = m1->Post("/api/activities", body);
    EXPECT_EQ(r.status, 201) << r.body;
  };
  for (int i = 0; i < 3; ++i) call("Встреча в четверг");
  call(nullptr);
  ASSERT_EQ(m1->Post("/api/activities", {{"type", "meeting"}, {"goal", "Интервью"}, {"next_step", "КП"},
                                         {"outcome", "Бриф согласован"}})
                .status,
            201);

  auto head = As("head@test.ru");
  auto r = head->Get("/api/analytics/motivation?month=" + ThisMonth());
  ASSERT_EQ(r.status, 200) << r.body;
  json rows = r.json()["rows"];
  ASSERT_EQ(rows.size(), 2u) << rows;  // the head's team: m1, m2 (m3 is in another team)
  json a = rows[0];
  EXPECT_EQ(a["user_id"], kM1);
  EXPECT_EQ(a["rank"], 1);
  EXPECT_EQ(a["actions"]["contact"]["counted"], 10);
  EXPECT_EQ(a["actions"]["call"]["counted"], 3);
  EXPECT_EQ(a["actions"]["call"]["rejected"], 1);
  EXPECT_EQ(a["actions"]["meeting"]["counted"], 1);
  EXPECT_EQ(a["actions"]["proposal"]["counted"], 2);
  EXPECT_EQ(a["actions"]["won"]["counted"], 1);
  EXPECT_EQ(a["points"], 116);
  EXPECT_EQ(a["base"], 10'000 * kRub);
  EXPECT_EQ(a["sales"], 40'000 * kRub);
  EXPECT_EQ(a["sales_plan_percent"], 20);
  EXPECT_EQ(a["percent"], 10);
  EXPECT_EQ(a["bonus"], 4'000 * kRub);
  EXPECT_EQ(a["total"], 14'000 * kRub);
  EXPECT_EQ(rows[1]["user_id"], kM2);
  EXPECT_EQ(rows[1]["points"], 100);
  EXPECT_EQ(rows[1]["total"], 14'000 * kRub);

  // A manager sees own row; the owner everyone (m3 too).
  auto own = As("m2@test.ru")->Get("/api/analytics/motivation?month=" + ThisMonth()).json()["rows"];
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0]["user_id"], kM2);
  EXPECT_EQ(As("owner@test.ru")->Get("/api/analytics/motivation?month=" + ThisMonth()).json()["rows"].size(), 3u);

  auto csv = head->Get("/api/analytics/motivation/export?format=csv&month=" + ThisMonth());
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("1;Алексей Первый;10;3;1;2;1;116;10000.00;40000.00;200000.00;20;10;4000.00;14000.00"),
            std::string::npos)
      << csv.body;
  auto xlsx = head->Get("/api/analytics/motivation/export?month=" + ThisMonth());
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_EQ(head->Get("/api/analytics/motivation?month=2026-13").status, 400);
  EXPECT_NE(head->Get("/api/analytics/motivation/scheme").json()["yaml"].get<std::string>().find("points_plan: 890"),
            std::string::npos);
}

}  // namespace
}  // namespace voronka::testing
