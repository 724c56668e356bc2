#include "scoring/score.h"

#include <gtest/gtest.h>

namespace voronka::scoring {
namespace {

using nlohmann::json;

// Every parameter of the shipped model at 0, then the first |total| parameters at the sign of
// total: the simplest input with exactly that total.
ScoringInput WithTotal(const Model& model, int total) {
  ScoringInput input;
  for (const auto& k : model.knockouts) input.knockouts[k.code] = false;
  int left = total;
  for (const auto& block : model.blocks) {
    for (const auto& p : block.parameters) {
      const int score = left > 0 ? 1 : left < 0 ? -1 : 0;
      input.values[p.code] = score;
      left -= score;
    }
  }
  return input;
}

json AllValues(const Model& model, int score) {
  json values = json::object();
  for (const auto& block : model.blocks) {
    for (const auto& p : block.parameters) values[p.code] = score;
  }
  return values;
}

TEST(Scoring, SegmentsAtTheSeedBoundaries) {
  const Model& model = DefaultModel();
  const std::pair<int, const char*> cases[] = {
      {-15, "C"}, {-10, "C"}, {-9, "B"}, {0, "B"}, {9, "B"}, {10, "A"}, {15, "A"},
  };
  for (const auto& [total, segment] : cases) {
    const ScoringResult r = Score(model, WithTotal(model, total));
    EXPECT_FALSE(r.disqualified) << total;
    EXPECT_EQ(r.total, total);
    EXPECT_EQ(r.segment, segment) << total;
  }
}

TEST(Scoring, BlockTotals) {
  const Model& model = DefaultModel();
  const ScoringResult r = Score(model, WithTotal(model, 7));  // request +5, fit +2, communication 0
  EXPECT_EQ(r.block_totals, (std::map<std::string, int>{{"request", 5}, {"fit", 2}, {"communication", 0}}));
  EXPECT_EQ(ScoringResultToJson(r), (json{{"disqualified", false},
                                          {"failed_knockouts", json::array()},
                                          {"total", 7},
                                          {"block_totals", {{"request", 5}, {"fit", 2}, {"communication", 0}}},
                                          {"segment", "B"}}));
}

TEST(Scoring, AnyFailedKnockoutDisqualifiesWhateverTheScore) {
  const Model& model = DefaultModel();
  for (const auto& knockout : model.knockouts) {
    for (int total : {-15, 0, 15}) {
      ScoringInput input = WithTotal(model, total);
      input.knockouts[knockout.code] = true;
      const ScoringResult r = Score(model, input);
      EXPECT_TRUE(r.disqualified) << knockout.code << " " << total;
      EXPECT_EQ(r.failed_knockouts, std::vector<std::string>{knockout.code});
      EXPECT_EQ(r.segment, "");
      EXPECT_EQ(r.total, total);
    }
  }
  ScoringInput input = WithTotal(model, 15);
  input.knockouts["toxic_communication"] = true;
  input.knockouts["budget_below_min"] = true;
  const ScoringResult r = Score(model, input);
  EXPECT_EQ(r.failed_knockouts, (std::vector<std::string>{"budget_below_min", "toxic_communication"}));  // model order
  const json j = ScoringResultToJson(r);
  EXPECT_EQ(j["disqualified"], true);
  EXPECT_EQ(j["segment"], nullptr);
  EXPECT_EQ(j["failed_knockouts"], (json{"budget_below_min", "toxic_communication"}));
}

TEST(ScoringInputParse, AcceptsAFullForm) {
  const Model& model = DefaultModel();
  json body = {{"knockouts", {{"budget_below_min", false}, {"toxic_communication", true}}},
               {"values", AllValues(model, 1)}};
  body["values"]["budget"] = -1;
  auto input = ParseScoringInput(model, body);
  ASSERT_TRUE(input.ok()) << input.error().message;
  EXPECT_EQ(input->values.size(), 15u);
  EXPECT_EQ(input->values.at("budget"), -1);
  // Knock-outs left out count as passed; the input names every knock-out of the model.
  EXPECT_EQ(input->knockouts.size(), model.knockouts.size());
  EXPECT_EQ(input->knockouts.at("toxic_communication"), true);
  EXPECT_EQ(input->knockouts.at("impossible_deadline"), false);
  const ScoringResult r = Score(model, *input);
  EXPECT_TRUE(r.disqualified);
  EXPECT_EQ(r.total, 13);

  auto without_knockouts = ParseScoringInput(model, {{"values", AllValues(model, 0)}});
  ASSERT_TRUE(without_knockouts.ok());
  EXPECT_EQ(Score(model, *without_knockouts).segment, "B");
}

TEST(ScoringInputParse, ErrorsNameTheField) {
  const Model& model = DefaultModel();
  auto with = [&](const char* key, json value) {
    json body = {{"knockouts", json::object()}, {"values", AllValues(model, 0)}};
    body["values"][key] = std::move(value);
    return body;
  };
  json missing = {{"values", AllValues(model, 0)}};
  missing["values"].erase("brief_quality");
  struct Case {
    json body;
    std::string field, message;
  } cases[] = {
      {json::array(), "", "request body must be a JSON object"},
      {{{"values", AllValues(model, 0)}, {"comment", "x"}},
       "comment",
       "unknown field 'comment'; expected knockouts and values"},
      {json::object(), "values", "field 'values' is required"},
      {{{"values", {1, 0, -1}}}, "values", "values must be an object of parameter code → -1, 0 or 1"},
      {with("budget", 2), "values.budget", "values.budget must be -1, 0 or 1"},
      {with("budget", -2), "values.budget", "values.budget must be -1, 0 or 1"},
      {with("budget", json(18446744073709551615u)), "values.budget", "values.budget must be -1, 0 or 1"},
      {with("budget", json(-9223372036854775807)), "values.budget", "values.budget must be -1, 0 or 1"},
      {with("budget", 0.5), "values.budget", "values.budget must be -1, 0 or 1"},
      {with("budget", "1"), "values.budget", "values.budget must be -1, 0 or 1"},
      {with("budget", true), "values.budget", "values.budget must be -1, 0 or 1"},
      {with("budget", nullptr), "values.budget", "values.budget must be -1, 0 or 1"},
      {with("charisma", 1), "values.charisma", "unknown parameter 'charisma'"},
      {missing, "values.brief_quality", "values.brief_quality is required"},
      {{{"values", AllValues(model, 0)}, {"knockouts", {{"budget_below_min", 1}}}},
       "knockouts.budget_below_min",
       "knockouts.budget_below_min must be true (failed) or false (passed)"},
      {{{"values", AllValues(model, 0)}, {"knockouts", {{"too_far", true}}}},
       "knockouts.too_far",
       "unknown knock-out criterion 'too_far'"},
      {{{"values", AllValues(model, 0)}, {"knockouts", {true}}},
       "knockouts",
       "knockouts must be an object of criterion code → true/false"},
  };
  for (const auto& c : cases) {
    auto r = ParseScoringInput(model, c.body);
    ASSERT_FALSE(r.ok()) << c.body.dump();
    EXPECT_EQ(r.error().code, Code::kInvalid) << c.body.dump();
    EXPECT_EQ(r.error().field, c.field) << c.body.dump();
    EXPECT_EQ(r.error().message, c.message) << c.body.dump();
  }
}

}  // namespace
}  // namespace voronka::scoring
