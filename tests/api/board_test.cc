// GET /api/board: the whole pipeline board in one read, within the reader's access.

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class BoardTest : public ApiTest {};

json FindCard(const json& board, int64_t id) {
  for (const auto& c : board["cards"])
    if (c["id"] == id) return c;
  return nullptr;
}

TEST_F(BoardTest, CardsCarryCompanyNameAndStayWithinAccess) {
  auto m1 = As("m1@test.ru");
  auto lead = m1->Post("/api/intake", {{"channel", "phone"}, {"name", "Павел Доскин"}, {"phone", "+79165550201"},
                                       {"company", "ООО «Доска»"}});
  ASSERT_EQ(lead.status, 201) << lead.body;
  int64_t id = lead.json()["deal"]["id"].get<int64_t>();

  auto mine = m1->Get("/api/board");
  ASSERT_EQ(mine.status, 200) << mine.body;
  json card = FindCard(mine.json(), id);
  ASSERT_FALSE(card.is_null()) << mine.body;
  EXPECT_EQ(card["company"], "ООО «Доска»");
  EXPECT_EQ(card["status"], "open");
  EXPECT_EQ(card["responsible_id"], kM1);
  EXPECT_TRUE(card["version"].is_number_integer());
  EXPECT_FALSE(card.contains("description"));  // compact: what a card draws and a move needs
  EXPECT_EQ(mine.json()["closed_days"], 30);

  // The head of m1's team sees it; m3 from another team does not.
  EXPECT_FALSE(FindCard(As("head@test.ru")->Get("/api/board").json(), id).is_null());
  EXPECT_TRUE(FindCard(As("m3@test.ru")->Get("/api/board").json(), id).is_null());

  // The deal list's filters narrow it, columns too.
  EXPECT_TRUE(FindCard(m1->Get("/api/board?stage=won,lost").json(), id).is_null());
  EXPECT_FALSE(FindCard(m1->Get("/api/board?stage=" + card["stage"].get<std::string>()).json(), id).is_null());
  EXPECT_TRUE(FindCard(m1->Get("/api/board?channel=email").json(), id).is_null());
}

TEST_F(BoardTest, RefusesPagingAndBadWindows) {
  auto m1 = As("m1@test.ru");
  auto sorted = m1->Get("/api/board?sort=-amount");
  EXPECT_EQ(sorted.status, 400);
  EXPECT_EQ(sorted.json()["error"]["field"], "sort");
  EXPECT_EQ(m1->Get("/api/board?closed_days=400").status, 400);
  EXPECT_EQ(m1->Get("/api/board?colour=red").status, 400);
  EXPECT_EQ(Anonymous()->Get("/api/board").status, 401);
}

}  // namespace
}  // namespace voronka::testing
