// The funnel report over HTTP on cards entered through the API: counts per step, grouping,
// who sees which numbers, the cards behind a cell, the export, and refused parameters.

#include <ctime>

#include "api/fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

std::string MonthOffset(int months) {
  std::time_t t = std::time(nullptr) + 3 * 3600;  // Moscow
  std::tm tm{};
  gmtime_r(&t, &tm);
  int m = tm.tm_year * 12 + tm.tm_mon + months;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", m / 12 + 1900, m % 12 + 1);
  return buf;
}

// Steps of the it_studio funnel: leads, contact, screening, scoring, interview_prep,
// deep_interview, proposal, presentation, closing, won.
constexpr size_t kContact = 1, kScoring = 3, kProposal = 6, kPresentation = 7, kWon = 9;

class FunnelTest : public ApiTest {
 protected:
  // m1: four cards (a phone lead still incoming, site-form cards at scoring, proposal and won);
  // m2: two (incoming by e-mail, scoring by phone); m3 (another team): one at proposal.
  static void SetUpTestSuite() {
    ApiTest::SetUpTestSuite();
    auto make = [](const char* email, std::vector<std::pair<const char*, const char*>> cards) {
      HttpClient c(server_->port());
      EXPECT_EQ(c.Login(email, kPassword), 200);
      for (const auto& [stage, channel] : cards) {
        auto r = c.Post("/api/deals", {{"title", std::string("Карточка ") + email + " " + stage},
                                       {"stage", stage}, {"channel", channel}, {"amount", 5'000'000}});
        EXPECT_EQ(r.status, 201) << r.body;
      }
    };
    make("m1@test.ru", {{"incoming", "phone"}, {"scoring", "site_form"}, {"proposal", "site_form"}, {"won", "site_form"}});
    make("m2@test.ru", {{"incoming", "email"}, {"scoring", "phone"}});
    make("m3@test.ru", {{"proposal", "site_form"}});
  }

  static std::vector<int64_t> Entered(const json& row) {
    std::vector<int64_t> v;
    for (const auto& c : row["cells"]) v.push_back(c["entered"]);
    return v;
  }
};

TEST_F(FunnelTest, CountsEachStepPerManagerInTheHeadsTeam) {
  auto head = As("head@test.ru");
  auto r = head->Get("/api/analytics/funnel?month=" + MonthOffset(0));
  ASSERT_EQ(r.status, 200) << r.body;
  json f = r.json();
  EXPECT_EQ(f["mode"], "cohort");
  EXPECT_EQ(f["group"], "manager");
  ASSERT_EQ(f["steps"].size(), 10u);
  EXPECT_EQ(f["steps"][0]["code"], "leads");
  EXPECT_EQ(f["steps"][0]["name"]["ru"], "Заявки");
  EXPECT_EQ(f["steps"][kWon]["code"], "won");
  // The team only: m3's card is not counted.
  EXPECT_EQ(Entered(f["total"]), (std::vector<int64_t>{6, 4, 4, 4, 2, 2, 2, 1, 1, 1}));
  ASSERT_EQ(f["groups"].size(), 2u);
  json m1 = f["groups"][0]["key"] == std::to_string(kM1) ? f["groups"][0] : f["groups"][1];
  json m2 = f["groups"][0]["key"] == std::to_string(kM2) ? f["groups"][0] : f["groups"][1];
  EXPECT_EQ(m1["label"], "Алексей Первый");
  EXPECT_EQ(Entered(m1), (std::vector<int64_t>{4, 3, 3, 3, 2, 2, 2, 1, 1, 1}));
  EXPECT_EQ(Entered(m2), (std::vector<int64_t>{2, 1, 1, 1, 0, 0, 0, 0, 0, 0}));
  // 3 of m1's 4 leads got the contact: 75 %; half of the proposals were presented.
  EXPECT_EQ(m1["cells"][0]["conversion_permille"], 750);
  EXPECT_EQ(m1["cells"][kProposal]["conversion_permille"], 500);
  EXPECT_EQ(m1["cells"][kWon]["conversion_permille"], nullptr);
  EXPECT_EQ(m2["cells"][kScoring]["conversion_permille"], 0);
  // Cards entered at a later stage passed the earlier ones at once.
  EXPECT_EQ(m1["cells"][kContact]["median_ms"], 0);
  EXPECT_EQ(m2["cells"][kProposal]["median_ms"], nullptr);

  // Flow: everything happened this month, so the same counts.
  auto flow = head->Get("/api/analytics/funnel?mode=flow&month=" + MonthOffset(0)).json();
  EXPECT_EQ(flow["mode"], "flow");
  EXPECT_EQ(Entered(flow["total"]), (std::vector<int64_t>{6, 4, 4, 4, 2, 2, 2, 1, 1, 1}));
  // Last month had none of it.
  auto before = head->Get("/api/analytics/funnel?month=" + MonthOffset(-1)).json();
  EXPECT_EQ(before["total"]["cells"][0]["entered"], 0);
  EXPECT_TRUE(before["groups"].empty());
}

TEST_F(FunnelTest, AManagerSeesOwnNumbersTheOwnerEveryones) {
  auto mine = As("m2@test.ru")->Get("/api/analytics/funnel").json();
  EXPECT_EQ(Entered(mine["total"]), (std::vector<int64_t>{2, 1, 1, 1, 0, 0, 0, 0, 0, 0}));
  ASSERT_EQ(mine["groups"].size(), 1u);
  EXPECT_EQ(mine["groups"][0]["key"], std::to_string(kM2));

  for (const char* who : {"owner@test.ru", "curator@test.ru", "admin@test.ru"}) {
    auto all = As(who)->Get("/api/analytics/funnel?group=channel").json();
    EXPECT_EQ(all["total"]["cells"][0]["entered"], 7) << who;
    ASSERT_EQ(all["groups"].size(), 3u) << who;
    EXPECT_EQ(all["groups"][0]["key"], "email");
    EXPECT_EQ(all["groups"][1]["key"], "phone");
    EXPECT_EQ(Entered(all["groups"][2]), (std::vector<int64_t>{4, 4, 4, 4, 3, 3, 3, 1, 1, 1}));
  }
  // A filter narrows the cards before grouping.
  auto site = As("owner@test.ru")->Get("/api/analytics/funnel?group=none&channel=site_form&manager=" + std::to_string(kM1)).json();
  EXPECT_EQ(Entered(site["total"]), (std::vector<int64_t>{3, 3, 3, 3, 2, 2, 2, 1, 1, 1}));
  EXPECT_TRUE(site["groups"].empty());
}

TEST_F(FunnelTest, DrillsDownFromACellToItsCards) {
  auto head = As("head@test.ru");
  std::string m1 = std::to_string(kM1);
  auto r = head->Get("/api/analytics/funnel/cards?step=proposal&value=" + m1);
  ASSERT_EQ(r.status, 200) << r.body;
  json cards = r.json();
  EXPECT_EQ(cards["total"], 2);
  EXPECT_EQ(cards["group_label"], "Алексей Первый");
  std::set<std::string> titles;
  json items = cards["items"];
  for (const auto& c : items) {
    titles.insert(c["title"].get<std::string>());
    EXPECT_EQ(c["manager_id"], kM1);
    EXPECT_FALSE(c["reached_at"].is_null());
  }
  EXPECT_EQ(titles, (std::set<std::string>{"Карточка m1@test.ru proposal", "Карточка m1@test.ru won"}));
  // Moved on from the proposal: the won card only.
  json converted = head->Get("/api/analytics/funnel/cards?which=converted&step=proposal&value=" + m1).json();
  ASSERT_EQ(converted["total"], 1);
  EXPECT_EQ(converted["items"][0]["stage"], "won");
  EXPECT_EQ(converted["items"][0]["amount"], 5'000'000);
  // The total row (no value): the team's two cards that reached a proposal; everyone's three.
  EXPECT_EQ(head->Get("/api/analytics/funnel/cards?step=proposal").json()["total"], 2);
  EXPECT_EQ(As("owner@test.ru")->Get("/api/analytics/funnel/cards?step=proposal").json()["total"], 3);
  // Another manager's cell is empty for a manager.
  EXPECT_EQ(As("m2@test.ru")->Get("/api/analytics/funnel/cards?step=leads&value=" + m1).json()["total"], 0);
}

// A won deal handed over to another manager stays with the one who moved it to its furthest step.
TEST_F(FunnelTest, ACardsNumbersStayWithWhoeverCarriedItFurthest) {
  auto head = As("head@test.ru");
  json won = head->Get("/api/analytics/funnel/cards?which=entered&step=won").json()["items"][0];
  ASSERT_EQ(won["manager_id"], kM1);
  json deal = head->Get("/api/deals/" + std::to_string(won["id"].get<int64_t>())).json();
  auto moved = head->Patch("/api/deals/" + std::to_string(won["id"].get<int64_t>()),
                           {{"version", deal["version"]}, {"responsible_id", kM2}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  json f = head->Get("/api/analytics/funnel").json();
  json m1 = f["groups"][0]["key"] == std::to_string(kM1) ? f["groups"][0] : f["groups"][1];
  EXPECT_EQ(m1["cells"][kWon]["entered"], 1);
  json card = head->Get("/api/analytics/funnel/cards?step=won").json()["items"][0];
  EXPECT_EQ(card["manager_id"], kM1);
  EXPECT_EQ(card["responsible_id"], kM2);
}

TEST_F(FunnelTest, ExportsTheTable) {
  auto head = As("head@test.ru");
  auto csv = head->Get("/api/analytics/funnel/export?format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find("Все;Заявки;6;4;66.7;0.0;0.0"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("Алексей Первый;Заявки;4;3;75.0"), std::string::npos) << csv.body;
  auto xlsx = head->Get("/api/analytics/funnel/export?mode=flow");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
}

TEST_F(FunnelTest, RefusesBadParametersSayingWhatIsWrong) {
  auto head = As("head@test.ru");
  auto expect = [&](const std::string& query, const std::string& field, const std::string& message) {
    auto r = head->Get("/api/analytics/funnel" + query);
    EXPECT_EQ(r.status, 400) << query << " " << r.body;
    EXPECT_EQ(r.json()["error"]["field"], field) << query;
    EXPECT_NE(r.json()["error"]["message"].get<std::string>().find(message), std::string::npos) << r.body;
  };
  expect("?mode=funnel", "mode", "mode must be cohort or flow");
  expect("?group=city", "group", "group must be one of none, manager");
  expect("?month=2026-13", "month", "month must look like 2026-11");
  expect("?from=2026-11-01", "to", "to must be a day like");
  expect("?from=2026-11-10&to=2026-11-01", "to", "to must not be before from");
  expect("?from=2026-11-01&to=2026-11-30&month=2026-11", "month", "either month or from and to");
  expect("?pipeline=nope", "pipeline", "unknown pipeline 'nope'");
  expect("?manager=abc", "manager", "manager must be a user id");
  expect("/cards", "step", "step is required");
  expect("/cards?step=nowhere", "step", "step must be one of leads, contact");
  expect("/cards?step=leads&which=all", "which", "which must be entered");
  expect("/cards?step=leads&group=none&value=x", "value", "value needs a group");
  expect("/export?format=pdf", "format", "format must be xlsx or csv");
  // A period given by days.
  auto days = head->Get("/api/analytics/funnel?from=2020-01-01&to=2020-01-31");
  ASSERT_EQ(days.status, 200) << days.body;
  EXPECT_EQ(days.json()["period"]["label"], "2020-01-01 – 2020-01-31");
  EXPECT_EQ(days.json()["total"]["cells"][0]["entered"], 0);
}

}  // namespace
}  // namespace voronka::testing
