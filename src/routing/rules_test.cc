#include "routing/rules.h"

#include <gtest/gtest.h>

#include "routing/routing_store.h"

namespace voronka::routing {
namespace {

constexpr const char* kRules = R"(groups:
  juniors: {users: [5, senior@x.ru]}
rules:
  - name: segment_c
    when: {segment: C}
    to: {users: [5, 6]}
  - name: phone
    when: {channel: [phone, messenger]}
    to: {team: Sales}
    strategy: least_loaded
    sla: 10m
  - name: default
    to: {takes_leads: true}
    sla: 90s
)";

std::vector<Candidate> Department() {
  // 5, 6: Sales, take leads; 7: Other, takes leads; 8: Sales head, does not.
  return {{5, "m1@x.ru", 1, "Sales", "manager", true, 3},
          {6, "m2@x.ru", 1, "Sales", "manager", true, 1},
          {7, "m3@x.ru", 2, "Other", "manager", true, 0},
          {8, "head@x.ru", 1, "Sales", "head", false, 0}};
}

RuleSet Parsed() {
  auto r = ParseRules(kRules, "routing.yaml");
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : RuleSet{};
}

TEST(RoutingRules, ParsesRulesInOrderWithTheirSla) {
  auto set = Parsed();
  ASSERT_EQ(set.rules.size(), 3u);
  EXPECT_EQ(set.rules[0].name, "segment_c");
  EXPECT_EQ(set.rules[0].sla_ms, 15 * 60 * 1000);  // default
  EXPECT_EQ(set.rules[1].strategy, Strategy::kLeastLoaded);
  EXPECT_EQ(set.rules[1].sla_ms, 10 * 60 * 1000);
  EXPECT_EQ(set.rules[2].sla_ms, 90 * 1000);
}

TEST(RoutingRules, LintNamesEveryProblemWithItsLine) {
  auto problems = LintRules(R"(rules:
  - name: a
    when: {segmnt: C}
    to: nobody
    strategy: random
    sla: soon
  - when: {channel: fax}
    to: {team: Sales, colour: red}
)",
                            "routing.yaml");
  std::vector<std::string> text;
  for (const auto& m : problems) text.push_back(m.ToString());
  ASSERT_EQ(text.size(), 7u) << JoinLint(problems);
  EXPECT_EQ(text[0], "routing.yaml:3:12: unknown condition 'segmnt' (expected channel, region, product, segment)");
  EXPECT_EQ(text[1], "routing.yaml:4:9: no group named 'nobody' under groups");
  EXPECT_EQ(text[2], "routing.yaml:5:15: strategy must be round_robin or least_loaded");
  EXPECT_EQ(text[3], "routing.yaml:6:10: sla must be a duration such as 90s, 15m or 2h");
  EXPECT_EQ(text[4], "routing.yaml:7:5: a rule needs a name (it is shown on every card it routes)");
  EXPECT_EQ(text[5], "routing.yaml:7:21: unknown channel 'fax' (expected site_form, email, phone, messenger)");
  EXPECT_EQ(text[6], "routing.yaml:8:23: unknown key 'colour' in a group (expected users, team, role, takes_leads)");
  EXPECT_FALSE(LintRules("rules: [", "r.yaml").empty());
  EXPECT_EQ(LintRules("{}", "r.yaml")[0].message, "'rules' is missing: list at least one rule");
}

TEST(RoutingRules, TheShippedDefaultIsValid) { EXPECT_EQ(JoinLint(LintRules(DefaultRulesYaml(), "it_studio.yaml")), ""); }

TEST(RoutingRules, RulesPickByChannelAndSegment) {
  auto set = Parsed();
  auto people = Department();
  auto c = Choose(set, {"site_form", "", "", "C"}, people, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user_id, 5);
  EXPECT_EQ(c->rule, "segment_c");
  // Phone: everyone in Sales, the least loaded first.
  c = Choose(set, {"PHONE", "", "", ""}, people, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rule, "phone");
  EXPECT_EQ(c->user_id, 8);  // the head is in Sales and has no open deals: team selects everyone in it
  EXPECT_EQ(c->sla_ms, 10 * 60 * 1000);
  c = Choose(set, {"email", "", "", "B"}, people, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rule, "default");
}

TEST(RoutingRules, RoundRobinAlternatesAfterTheLastServed) {
  auto set = Parsed();
  auto people = Department();
  std::map<std::string, int64_t> cursors;
  std::vector<int64_t> got;
  for (int i = 0; i < 4; ++i) {
    auto c = Choose(set, {"email", "", "", ""}, people, cursors);
    ASSERT_TRUE(c);
    got.push_back(c->user_id);
    cursors[c->rule] = c->user_id;
  }
  EXPECT_EQ(got, (std::vector<int64_t>{5, 6, 7, 5}));
}

TEST(RoutingRules, OffShiftAndAbsentPeopleAreSkipped) {
  auto set = Parsed();
  auto people = Department();
  people[0].on_shift = false;  // 5
  auto c = Choose(set, {"site_form", "", "", "C"}, people, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user_id, 6);
  people[1].absent = true;  // 6: the segment C group has nobody on shift → the next fitting rule
  c = Choose(set, {"site_form", "", "", "C"}, people, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rule, "default");
  EXPECT_EQ(c->user_id, 7);
  EXPECT_FALSE(c->off_shift);
  // Nobody on shift at all: the first fitting rule's present member, marked off shift.
  for (auto& p : people) p.on_shift = false;
  c = Choose(set, {"site_form", "", "", "C"}, people, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rule, "segment_c");
  EXPECT_EQ(c->user_id, 5);
  EXPECT_TRUE(c->off_shift);
  // Excluded (already tried) people are passed over.
  c = Choose(set, {"site_form", "", "", "C"}, people, {}, {5});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user_id, 7);
}

TEST(RoutingRules, Durations) {
  EXPECT_EQ(ParseDuration("15m"), 15 * 60 * 1000);
  EXPECT_EQ(ParseDuration("2h"), 2 * 3600 * 1000);
  EXPECT_EQ(ParseDuration("90s"), 90 * 1000);
  EXPECT_FALSE(ParseDuration("0m"));
  EXPECT_FALSE(ParseDuration("15"));
  EXPECT_FALSE(ParseDuration("m"));
}

}  // namespace
}  // namespace voronka::routing
