#include "scoring/model.h"

#include <gtest/gtest.h>

#include <set>

namespace voronka::process {
std::vector<std::pair<std::string_view, std::string_view>> EmbeddedProcessFiles();
}  // namespace voronka::process

namespace voronka::scoring {
namespace {

std::vector<std::string> Lint(std::string_view yaml) {
  std::vector<std::string> out;
  for (const auto& m : LintModel(yaml, "bad.yaml")) out.push_back(m.ToString());
  return out;
}

using Lines = std::vector<std::string>;

// The smallest sensible model: two parameters, totals -2…+2. Each lint test below is this
// text with one thing broken.
constexpr std::string_view kValid = R"(kind: scoring_model
code: mini
version: "1"
name: {ru: Мини, en: Mini}
knockouts:
  - code: no_budget
    name: {ru: Нет бюджета, en: No budget}
    hint: Бюджета нет совсем.
blocks:
  - code: request
    name: {ru: Запрос, en: Request}
    parameters:
      - code: budget
        name: {ru: Бюджет, en: Budget}
        hints:
          -1: Мал
          0: Средний
          +1: Большой
      - code: timeline
        name: {ru: Сроки, en: Timeline}
        hints: {-1: Сжатые, 0: Реальные, +1: С запасом}
segments:
  - {code: C, min: -2, max: -1, name: {ru: Начальный, en: Entry}, description: {ru: Отказ, en: Rejection}}
  - {code: B, min: 0, max: 0, name: {ru: Средний, en: Middle}, description: {ru: Встреча, en: Meeting}}
  - {code: A, min: 1, max: 2, name: {ru: ВИП, en: VIP}, description: {ru: Группа, en: Working group}}
)";

TEST(ScoringModelShipped, LoadsWithThreeBlocksOfFiveAndTheSeedThresholds) {
  const Model& model = DefaultModel();
  EXPECT_EQ(model.code, "it_studio");
  EXPECT_FALSE(model.version.empty());
  ASSERT_EQ(model.blocks.size(), 3u);
  EXPECT_EQ(model.blocks[0].code, "request");
  EXPECT_EQ(model.blocks[1].code, "fit");
  EXPECT_EQ(model.blocks[2].code, "communication");
  EXPECT_EQ(model.blocks[0].name.ru, "Запрос");
  EXPECT_EQ(model.blocks[1].name.ru, "Соответствие");
  EXPECT_EQ(model.blocks[2].name.ru, "Коммуникация");
  for (const auto& block : model.blocks) {
    EXPECT_EQ(block.parameters.size(), 5u) << block.code;
    for (const auto& p : block.parameters) {
      for (int score = -1; score <= 1; ++score) EXPECT_FALSE(p.Hint(score).empty()) << p.code << " " << score;
    }
  }
  for (const char* code : {"budget", "capacity", "profitability", "positioning", "workload", "experience",
                           "technologies", "adequacy", "digital_literacy", "brief_quality"}) {
    EXPECT_NE(model.FindParameter(code), nullptr) << code;
  }
  EXPECT_EQ(model.ParameterCount(), 15);
  EXPECT_EQ(model.MinTotal(), -15);
  EXPECT_EQ(model.MaxTotal(), 15);
  EXPECT_GE(model.knockouts.size(), 4u);
  EXPECT_LE(model.knockouts.size(), 6u);
  EXPECT_NE(model.FindKnockout("budget_below_min"), nullptr);

  ASSERT_EQ(model.segments.size(), 3u);
  auto segment = [&](int i) {
    const Segment& s = model.segments[i];
    return s.code + " " + std::to_string(s.min) + "…" + std::to_string(s.max);
  };
  EXPECT_EQ(segment(0), "C -15…-10");
  EXPECT_EQ(segment(1), "B -9…9");
  EXPECT_EQ(segment(2), "A 10…15");
  for (const auto& s : model.segments) {
    EXPECT_FALSE(s.name.ru.empty());
    EXPECT_FALSE(s.name.en.empty());
    EXPECT_FALSE(s.description.ru.empty());
  }
}

TEST(ScoringModelShipped, LintsClean) {
  // The pipeline processes/it_studio.yaml is embedded under the same name; only ours is a
  // scoring model.
  int found = 0;
  for (const auto& [name, text] : process::EmbeddedProcessFiles()) {
    if (name != "it_studio.yaml" || text.find("kind: scoring_model") == std::string_view::npos) continue;
    ++found;
    EXPECT_EQ(JoinLint(LintModel(text, "processes/scoring/it_studio.yaml")), "");
  }
  EXPECT_EQ(found, 1);
}

TEST(ScoringModelShipped, SegmentForEveryTotal) {
  const Model& model = DefaultModel();
  EXPECT_EQ(model.SegmentFor(-16), nullptr);
  EXPECT_EQ(model.SegmentFor(16), nullptr);
  std::string codes;
  for (int total = -15; total <= 15; ++total) {
    const Segment* s = model.SegmentFor(total);
    ASSERT_NE(s, nullptr) << total;
    codes += s->code;
  }
  EXPECT_EQ(codes, "CCCCCC" + std::string(19, 'B') + "AAAAAA");
}

TEST(ScoringModelJson, HasEverythingTheFormNeeds) {
  const nlohmann::json j = ModelToJson(DefaultModel());
  EXPECT_EQ(j["code"], "it_studio");
  EXPECT_EQ(j["min_total"], -15);
  EXPECT_EQ(j["max_total"], 15);
  ASSERT_EQ(j["blocks"].size(), 3u);
  const auto& budget = j["blocks"][0]["parameters"][0];
  EXPECT_EQ(budget["code"], "budget");
  EXPECT_EQ(budget["name"]["ru"], "Бюджет");
  EXPECT_EQ(budget["name"]["en"], "Budget");
  ASSERT_EQ(budget["options"].size(), 3u);
  EXPECT_EQ(budget["options"][0]["value"], -1);
  EXPECT_EQ(budget["options"][2]["value"], 1);
  EXPECT_FALSE(budget["options"][1]["hint"].get<std::string>().empty());
  EXPECT_EQ(j["knockouts"][0]["code"], "budget_below_min");
  EXPECT_FALSE(j["knockouts"][0]["hint"].get<std::string>().empty());
  EXPECT_EQ(j["segments"][2], (nlohmann::json{{"code", "A"},
                                              {"min", 10},
                                              {"max", 15},
                                              {"name", j["segments"][2]["name"]},
                                              {"description", j["segments"][2]["description"]}}));
}

TEST(ScoringModelLint, ValidModelIsClean) {
  EXPECT_EQ(Lint(kValid), Lines{});
  auto model = LoadModel(kValid, "mini.yaml");
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->ParameterCount(), 2);
  EXPECT_EQ(model->blocks[0].parameters[1].Hint(1), "С запасом");
  EXPECT_EQ(model->segments[0].description.en, "Rejection");
}

TEST(ScoringModelLint, UnknownKey) {
  // Line 15: "hint" instead of "hints".
  EXPECT_EQ(Lint(R"(kind: scoring_model
code: mini
version: "1"
name: {ru: Мини, en: Mini}
knockouts:
  - code: no_budget
    name: {ru: Нет бюджета, en: No budget}
    hint: Бюджета нет совсем.
blocks:
  - code: request
    name: {ru: Запрос, en: Request}
    parameters:
      - code: budget
        name: {ru: Бюджет, en: Budget}
        hint:
          -1: Мал
          0: Средний
          +1: Большой
      - code: timeline
        name: {ru: Сроки, en: Timeline}
        hints: {-1: Сжатые, 0: Реальные, +1: С запасом}
segments:
  - {code: C, min: -2, max: -1, name: {ru: Начальный, en: Entry}, description: {ru: Отказ, en: Rejection}}
  - {code: B, min: 0, max: 0, name: {ru: Средний, en: Middle}, description: {ru: Встреча, en: Meeting}}
  - {code: A, min: 1, max: 2, name: {ru: ВИП, en: VIP}, description: {ru: Группа, en: Working group}}
)"),
            (Lines{"bad.yaml:13:9: parameter 'budget': missing key 'hints'",
                   "bad.yaml:15:9: parameter 'budget': unknown key 'hint' (expected one of: code, name, hints)"}));
}

TEST(ScoringModelLint, ScoreOtherThanMinusOneZeroOne) {
  // Line 18: 2 instead of +1.
  EXPECT_EQ(Lint(R"(kind: scoring_model
code: mini
version: "1"
name: {ru: Мини, en: Mini}
knockouts:
  - code: no_budget
    name: {ru: Нет бюджета, en: No budget}
    hint: Бюджета нет совсем.
blocks:
  - code: request
    name: {ru: Запрос, en: Request}
    parameters:
      - code: budget
        name: {ru: Бюджет, en: Budget}
        hints:
          -1: Мал
          0: Средний
          2: Большой
      - code: timeline
        name: {ru: Сроки, en: Timeline}
        hints: {-1: Сжатые, 0: Реальные, +1: С запасом}
segments:
  - {code: C, min: -2, max: -1, name: {ru: Начальный, en: Entry}, description: {ru: Отказ, en: Rejection}}
  - {code: B, min: 0, max: 0, name: {ru: Средний, en: Middle}, description: {ru: Встреча, en: Meeting}}
  - {code: A, min: 1, max: 2, name: {ru: ВИП, en: VIP}, description: {ru: Группа, en: Working group}}
)"),
            (Lines{"bad.yaml:16:11: parameter 'budget': missing hint for score +1",
                   "bad.yaml:18:11: parameter 'budget': score 2 is not allowed; a parameter is scored -1, 0 or +1"}));
}

TEST(ScoringModelLint, OverlappingSegments) {
  // Line 24: B starts at -1, which C already holds.
  EXPECT_EQ(Lint(R"(kind: scoring_model
code: mini
version: "1"
name: {ru: Мини, en: Mini}
knockouts:
  - code: no_budget
    name: {ru: Нет бюджета, en: No budget}
    hint: Бюджета нет совсем.
blocks:
  - code: request
    name: {ru: Запрос, en: Request}
    parameters:
      - code: budget
        name: {ru: Бюджет, en: Budget}
        hints:
          -1: Мал
          0: Средний
          +1: Большой
      - code: timeline
        name: {ru: Сроки, en: Timeline}
        hints: {-1: Сжатые, 0: Реальные, +1: С запасом}
segments:
  - {code: C, min: -2, max: -1, name: {ru: Начальный, en: Entry}, description: {ru: Отказ, en: Rejection}}
  - {code: B, min: -1, max: 0, name: {ru: Средний, en: Middle}, description: {ru: Встреча, en: Meeting}}
  - {code: A, min: 1, max: 2, name: {ru: ВИП, en: VIP}, description: {ru: Группа, en: Working group}}
)"),
            (Lines{"bad.yaml:24:20: segment 'B' (-1…0) overlaps segment 'C' (-2…-1)"}));
}

TEST(ScoringModelLint, GapBetweenSegments) {
  // Line 25: A starts at 2, so a total of +1 falls into no segment.
  EXPECT_EQ(Lint(R"(kind: scoring_model
code: mini
version: "1"
name: {ru: Мини, en: Mini}
knockouts:
  - code: no_budget
    name: {ru: Нет бюджета, en: No budget}
    hint: Бюджета нет совсем.
blocks:
  - code: request
    name: {ru: Запрос, en: Request}
    parameters:
      - code: budget
        name: {ru: Бюджет, en: Budget}
        hints:
          -1: Мал
          0: Средний
          +1: Большой
      - code: timeline
        name: {ru: Сроки, en: Timeline}
        hints: {-1: Сжатые, 0: Реальные, +1: С запасом}
segments:
  - {code: C, min: -2, max: -1, name: {ru: Начальный, en: Entry}, description: {ru: Отказ, en: Rejection}}
  - {code: B, min: 0, max: 0, name: {ru: Средний, en: Middle}, description: {ru: Встреча, en: Meeting}}
  - {code: A, min: 2, max: 2, name: {ru: ВИП, en: VIP}, description: {ru: Группа, en: Working group}}
)"),
            (Lines{"bad.yaml:25:20: no segment covers total 1"}));
}

TEST(ScoringModelLint, SegmentsOutsideThePossibleRange) {
  // The seed's -15…+15 thresholds on a two-parameter model: C starts below -2 and A ends above +2.
  EXPECT_EQ(Lint(R"(kind: scoring_model
code: mini
version: "1"
name: {ru: Мини, en: Mini}
knockouts: []
blocks:
  - code: request
    name: {ru: Запрос, en: Request}
    parameters:
      - {code: budget, name: {ru: Бюджет, en: Budget}, hints: {-1: Мал, 0: Средний, +1: Большой}}
      - {code: timeline, name: {ru: Сроки, en: Timeline}, hints: {-1: Сжатые, 0: Реальные, +1: С запасом}}
segments:
  - code: C
    min: -15
    max: -10
    name: {ru: Начальный, en: Entry}
    description: {ru: Отказ, en: Rejection}
  - code: B
    min: -9
    max: 9
    name: {ru: Средний, en: Middle}
    description: {ru: Встреча, en: Meeting}
  - code: A
    min: 10
    max: 15
    name: {ru: ВИП, en: VIP}
    description: {ru: Группа, en: Working group}
)"),
            (Lines{"bad.yaml:14:10: segment 'C': min -15 is below the lowest possible total -2 (2 parameters "
                   "scored -1, 0 or +1)",
                   "bad.yaml:19:10: segment 'B': min -9 is below the lowest possible total -2 (2 parameters scored "
                   "-1, 0 or +1)",
                   "bad.yaml:20:10: segment 'B': max 9 is above the highest possible total 2 (2 parameters scored "
                   "-1, 0 or +1)",
                   "bad.yaml:25:10: segment 'A': max 15 is above the highest possible total 2 (2 parameters scored "
                   "-1, 0 or +1)"}));
}

TEST(ScoringModelLint, DuplicateCode) {
  // Line 19: a second parameter named budget (codes are unique across the whole model).
  EXPECT_EQ(Lint(R"(kind: scoring_model
code: mini
version: "1"
name: {ru: Мини, en: Mini}
knockouts:
  - code: no_budget
    name: {ru: Нет бюджета, en: No budget}
    hint: Бюджета нет совсем.
blocks:
  - code: request
    name: {ru: Запрос, en: Request}
    parameters:
      - code: budget
        name: {ru: Бюджет, en: Budget}
        hints:
          -1: Мал
          0: Средний
          +1: Большой
      - code: budget
        name: {ru: Сроки, en: Timeline}
        hints: {-1: Сжатые, 0: Реальные, +1: С запасом}
segments:
  - {code: C, min: -2, max: -1, name: {ru: Начальный, en: Entry}, description: {ru: Отказ, en: Rejection}}
  - {code: B, min: 0, max: 0, name: {ru: Средний, en: Middle}, description: {ru: Встреча, en: Meeting}}
  - {code: A, min: 1, max: 2, name: {ru: ВИП, en: VIP}, description: {ru: Группа, en: Working group}}
)"),
            (Lines{"bad.yaml:19:15: duplicate parameter code 'budget' (first used on line 13)"}));
}

TEST(ScoringModelLint, MissingBlockName) {
  // The block on line 7 has no name; the knock-out on line 5 has no English name.
  EXPECT_EQ(Lint(R"(kind: scoring_model
code: mini
version: "1"
name: {ru: Мини, en: Mini}
knockouts:
  - {code: no_budget, name: {ru: Нет бюджета}, hint: Бюджета нет совсем.}
blocks:
  - code: request
    parameters:
      - {code: budget, name: {ru: Бюджет, en: Budget}, hints: {-1: Мал, 0: Средний, +1: Большой}}
      - {code: timeline, name: {ru: Сроки, en: Timeline}, hints: {-1: Сжатые, 0: Реальные, +1: С запасом}}
segments:
  - {code: C, min: -2, max: -1, name: {ru: Начальный, en: Entry}, description: {ru: Отказ, en: Rejection}}
  - {code: B, min: 0, max: 0, name: {ru: Средний, en: Middle}, description: {ru: Встреча, en: Meeting}}
  - {code: A, min: 1, max: 2, name: {ru: ВИП, en: VIP}, description: {ru: Группа, en: Working group}}
)"),
            (Lines{"bad.yaml:6:29: knock-out 'no_budget' name: missing key 'en'",
                   "bad.yaml:8:5: block 'request': missing key 'name'"}));
}

TEST(ScoringModelLint, BlockWithoutParameters) {
  EXPECT_EQ(Lint(R"(kind: scoring_model
code: mini
version: "1"
name: {ru: Мини, en: Mini}
knockouts: []
blocks:
  - code: request
    name: {ru: Запрос, en: Request}
    parameters:
      - {code: budget, name: {ru: Бюджет, en: Budget}, hints: {-1: Мал, 0: Средний, +1: Большой}}
      - {code: timeline, name: {ru: Сроки, en: Timeline}, hints: {-1: Сжатые, 0: Реальные, +1: С запасом}}
  - code: fit
    name: {ru: Соответствие, en: Fit}
    parameters: []
segments:
  - {code: C, min: -2, max: -1, name: {ru: Начальный, en: Entry}, description: {ru: Отказ, en: Rejection}}
  - {code: B, min: 0, max: 0, name: {ru: Средний, en: Middle}, description: {ru: Встреча, en: Meeting}}
  - {code: A, min: 1, max: 2, name: {ru: ВИП, en: VIP}, description: {ru: Группа, en: Working group}}
)"),
            (Lines{"bad.yaml:14:17: block 'fit' has no parameters"}));
}

TEST(ScoringModelLint, ReportsEveryProblemNotJustTheFirst) {
  EXPECT_EQ(Lint(R"(kind: pipeline
code: mini
owner: РОП
name: {ru: Мини, en: Mini}
knockouts: []
blocks:
  - code: request
    name: {ru: Запрос, en: Request}
    parameters:
      - {code: budget, name: {ru: Бюджет, en: Budget}, hints: {-1: Мал, 0: Средний, 1: Большой, 3: Огромный}}
      - {code: 2timeline, name: {ru: Сроки, en: Timeline}, hints: {-1: Сжатые, 0: Реальные, +1: С запасом}}
segments:
  - {code: C, min: -2, max: -1, name: {ru: Начальный, en: Entry}, description: {ru: Отказ, en: Rejection}}
  - {code: A, min: 1, max: 2, name: {ru: ВИП, en: VIP}, description: {ru: Группа, en: Working group}}
  - {code: C, min: 3, max: 2, name: {ru: X, en: X}, description: {ru: X, en: X}}
)"),
            (Lines{
                "bad.yaml:1:1: model: missing key 'version'",
                "bad.yaml:1:7: model: kind must be 'scoring_model', not 'pipeline'",
                "bad.yaml:3:1: model: unknown key 'owner' (expected one of: kind, code, version, name, knockouts, "
                "blocks, segments)",
                "bad.yaml:10:97: parameter 'budget': score 3 is not allowed; a parameter is scored -1, 0 or +1",
                "bad.yaml:11:16: parameter #2: code '2timeline' must start with a Latin letter and hold only Latin "
                "letters, digits and _ (at most 64)",
                "bad.yaml:14:20: no segment covers total 0",
                "bad.yaml:15:12: duplicate segment code 'C' (first used on line 13)",
                "bad.yaml:15:20: segment 'C': min 3 is greater than max 2",
            }));
}

TEST(ScoringModelLint, SyntaxErrorHasItsLine) {
  const auto lines = Lint("kind: scoring_model\ncode: mini\nblocks:\n  - code: [request\nsegments: []\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("bad.yaml:", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("YAML syntax error"), std::string::npos) << lines[0];
  EXPECT_EQ(Lint(""), Lines{"bad.yaml:1:1: the file is empty; expected a scoring model"});
  EXPECT_EQ(Lint("kind: scoring_model\n\tcode: x\n").at(0).rfind("bad.yaml:2:1: YAML syntax error", 0), 0u);
}

// Found by fuzz/scoring_yaml: a model with a broken UTF-8 byte in a name loaded, and every JSON
// answer carrying it then threw (nlohmann type_error 316). Now refused with the line.
TEST(ScoringModelLint, InvalidUtf8IsRefusedWithItsLine) {
  std::string yaml = "kind: scoring_model\ncode: mini\nname: {ru: \xD0, en: Mini}\n";
  EXPECT_EQ(Lint(yaml), Lines{"bad.yaml:3:1: the file is not valid UTF-8 text (save it as UTF-8)"});
  auto model = LoadModel(yaml, "bad.yaml");
  ASSERT_FALSE(model.ok());
  EXPECT_NO_THROW((void)model.error().extra.dump());
}

TEST(ScoringModelLoad, ErrorCarriesEveryProblem) {
  auto model = LoadModel("kind: scoring_model\ncode: mini\n", "m.yaml");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.error().code, Code::kInvalid);
  EXPECT_EQ(model.error().message,
            "m.yaml:1:1: model: missing key 'version'\n"
            "m.yaml:1:1: model: missing key 'name'\n"
            "m.yaml:1:1: model: missing key 'knockouts'\n"
            "m.yaml:1:1: model: missing key 'blocks'\n"
            "m.yaml:1:1: model: missing key 'segments'");
  ASSERT_EQ(model.error().extra["problems"].size(), 5u);
  EXPECT_EQ(
      model.error().extra["problems"][0],
      (nlohmann::json{{"file", "m.yaml"}, {"line", 1}, {"column", 1}, {"message", "model: missing key 'version'"}}));
}

}  // namespace
}  // namespace voronka::scoring
