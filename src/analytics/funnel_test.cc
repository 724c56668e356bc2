#include "analytics/funnel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

namespace voronka::analytics {
namespace {

constexpr TimeMs kHour = 3600 * 1000, kDay = 24 * kHour;
const std::vector<std::string> kSteps = {"leads", "contact", "proposal", "won"};

FunnelCard Card(int64_t id, int64_t manager, std::string channel) {
  return {id, manager, "Сайт", "Москва", std::move(channel), "B"};
}

// Four cards created on day 1 (two by manager 5 from the site, two by 6 by phone), one card of
// the month before that converts this month.
struct Example {
  std::map<int64_t, FunnelCard> cards = {{1, Card(1, 5, "site_form")}, {2, Card(2, 5, "site_form")},
                                         {3, Card(3, 6, "phone")},     {4, Card(4, 6, "phone")},
                                         {9, Card(9, 6, "phone")}};
  std::vector<Reach> reaches = {
      {1, 5, "leads", 10 * kDay, 0},   {1, 5, "contact", 11 * kDay, 0}, {1, 5, "proposal", 13 * kDay, 0},
      {1, 5, "won", 20 * kDay, 0},     {2, 5, "leads", 10 * kDay, 0},   {2, 5, "contact", 10 * kDay + kHour, 0},
      {3, 6, "leads", 10 * kDay, 0},   {3, 6, "contact", 12 * kDay, 0}, {3, 6, "proposal", 12 * kDay, 0},
      {4, 6, "leads", 10 * kDay, 0},   {9, 6, "leads", 2 * kDay, 0},    {9, 6, "contact", 3 * kDay, 0},
      {9, 6, "proposal", 15 * kDay, 0}, {9, 6, "won", 40 * kDay, 0}};
  FunnelQuery Query(FunnelMode mode, FunnelDimension by = FunnelDimension::kNone) const {
    return {mode, {5 * kDay, 35 * kDay}, by, kSteps};
  }
};

std::vector<int64_t> Entered(const FunnelRow& r) {
  std::vector<int64_t> v;
  for (const auto& c : r.cells) v.push_back(c.entered);
  return v;
}
std::vector<int64_t> Converted(const FunnelRow& r) {
  std::vector<int64_t> v;
  for (const auto& c : r.cells) v.push_back(c.converted);
  return v;
}

TEST(Funnel, CohortFollowsTheCardsCreatedInThePeriod) {
  Example e;
  auto t = ComputeFunnel(e.Query(FunnelMode::kCohort), e.reaches, e.cards);
  EXPECT_EQ(Entered(t.total), (std::vector<int64_t>{4, 3, 2, 1}));
  EXPECT_EQ(Converted(t.total), (std::vector<int64_t>{3, 2, 1, 0}));
  EXPECT_EQ(t.total.cells[0].conversion_permille, 750);
  EXPECT_EQ(t.total.cells[1].conversion_permille, 667);
  EXPECT_EQ(t.total.cells[2].conversion_permille, 500);
  EXPECT_EQ(t.total.cells[3].conversion_permille, std::nullopt);
  // Leads → contact took 1 day, 1 hour and 2 days: median 1 day, p90 2 days.
  EXPECT_EQ(t.total.cells[0].median_ms, kDay);
  EXPECT_EQ(t.total.cells[0].p90_ms, 2 * kDay);
  // Card 3 skipped straight from contact to proposal at the same moment: 0 in contact.
  EXPECT_EQ(t.total.cells[1].median_ms, 0);
  EXPECT_EQ(t.total.cells[1].p90_ms, 2 * kDay);
  EXPECT_EQ(t.total.cells[2].median_ms, 7 * kDay);
  EXPECT_EQ(t.total.cells[3].median_ms, std::nullopt);
  EXPECT_TRUE(t.groups.empty());
}

TEST(Funnel, FlowCountsTheTransitionsOfThePeriod) {
  Example e;
  auto t = ComputeFunnel(e.Query(FunnelMode::kFlow), e.reaches, e.cards);
  // Card 9 was created before the period: its proposal on day 15 counts, its contact (day 3) and
  // its win (day 40) fall outside.
  EXPECT_EQ(Entered(t.total), (std::vector<int64_t>{4, 3, 3, 1}));
  EXPECT_EQ(Converted(t.total), (std::vector<int64_t>{3, 3, 1, 0}));
  EXPECT_EQ(t.total.cells[1].conversion_permille, 1000);
  // contact → proposal: 2 days, 0, and 12 days for card 9 (entered contact before the period).
  EXPECT_EQ(t.total.cells[1].median_ms, 2 * kDay);
  EXPECT_EQ(t.total.cells[1].p90_ms, 12 * kDay);
}

TEST(Funnel, GroupsByADimensionAndDrillsDownToTheCards) {
  Example e;
  auto q = e.Query(FunnelMode::kCohort, FunnelDimension::kManager);
  auto t = ComputeFunnel(q, e.reaches, e.cards);
  ASSERT_EQ(t.groups.size(), 2u);
  EXPECT_EQ(t.groups[0].key, "5");
  EXPECT_EQ(Entered(t.groups[0]), (std::vector<int64_t>{2, 2, 1, 1}));
  EXPECT_EQ(t.groups[1].key, "6");
  EXPECT_EQ(Entered(t.groups[1]), (std::vector<int64_t>{2, 1, 1, 0}));
  EXPECT_EQ(FunnelCellCards(q, e.reaches, e.cards, "5", "contact", false).value(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(FunnelCellCards(q, e.reaches, e.cards, "5", "contact", true).value(), (std::vector<int64_t>{1}));
  EXPECT_EQ(FunnelCellCards(q, e.reaches, e.cards, std::nullopt, "leads", true).value(),
            (std::vector<int64_t>{1, 2, 3}));
  auto bad = FunnelCellCards(q, e.reaches, e.cards, std::nullopt, "nowhere", false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "step must be one of leads, contact, proposal, won");
  auto by_channel = ComputeFunnel(e.Query(FunnelMode::kCohort, FunnelDimension::kChannel), e.reaches, e.cards);
  ASSERT_EQ(by_channel.groups.size(), 2u);
  EXPECT_EQ(by_channel.groups[0].key, "phone");
  EXPECT_EQ(by_channel.groups[1].key, "site_form");
}

TEST(Funnel, ParsesModesAndDimensionsWithClearMessages) {
  EXPECT_EQ(ParseFunnelMode("flow").value(), FunnelMode::kFlow);
  EXPECT_EQ(ParseFunnelMode("x").error().message, "mode must be cohort or flow");
  EXPECT_EQ(ParseFunnelDimension("segment").value(), FunnelDimension::kSegment);
  EXPECT_EQ(ParseFunnelDimension("city").error().field, "group");
}

TEST(Funnel, NearestRank) {
  EXPECT_EQ(NearestRank({}, 50), std::nullopt);
  EXPECT_EQ(NearestRank({7}, 90), 7);
  EXPECT_EQ(NearestRank({4, 1, 3, 2}, 50), 2);
  EXPECT_EQ(NearestRank({10, 1, 9, 2, 8, 3, 7, 4, 6, 5}, 90), 9);
}

// Brute force, straight from the definitions in funnel.h, over the raw event list.
std::optional<TimeMs> FirstReach(const std::vector<Reach>& events, int64_t deal, const std::string& step) {
  std::optional<TimeMs> at;
  for (const auto& r : events)
    if (r.deal_id == deal && r.step == step && (!at || r.at < *at)) at = r.at;
  return at;
}

FunnelCell BruteCell(const FunnelQuery& q, const std::vector<Reach>& events, const std::vector<int64_t>& deals, size_t i) {
  auto in = [&](std::optional<TimeMs> t) { return t && *t >= q.period.from && *t < q.period.to; };
  FunnelCell c;
  std::vector<int64_t> durations;
  for (int64_t d : deals) {
    auto lead = FirstReach(events, d, q.steps[0]);
    auto here = FirstReach(events, d, q.steps[i]);
    auto next = i + 1 < q.steps.size() ? FirstReach(events, d, q.steps[i + 1]) : std::nullopt;
    bool cohort = q.mode == FunnelMode::kCohort;
    if (cohort ? in(lead) && here : in(here)) ++c.entered;
    if (here && next && (cohort ? in(lead) : in(next))) {
      ++c.converted;
      durations.push_back(std::max<int64_t>(0, *next - *here));
    }
  }
  if (i + 1 < q.steps.size() && c.entered > 0)
    c.conversion_permille = static_cast<int>(std::lround(1000.0 * double(c.converted) / double(c.entered) + 1e-9));
  std::sort(durations.begin(), durations.end());
  auto rank = [&](double p) -> std::optional<int64_t> {
    if (durations.empty()) return std::nullopt;
    size_t k = static_cast<size_t>(std::ceil(p * double(durations.size()) - 1e-9));
    return durations[std::max<size_t>(k, 1) - 1];
  };
  c.median_ms = rank(0.5);
  c.p90_ms = rank(0.9);
  return c;
}

void ExpectSameCell(const FunnelCell& a, const FunnelCell& b, const std::string& where) {
  EXPECT_EQ(a.entered, b.entered) << where;
  EXPECT_EQ(a.converted, b.converted) << where;
  EXPECT_EQ(a.conversion_permille, b.conversion_permille) << where;
  EXPECT_EQ(a.median_ms, b.median_ms) << where;
  EXPECT_EQ(a.p90_ms, b.p90_ms) << where;
}

TEST(Funnel, EqualsABruteForceRecomputationOverRandomEventStreams) {
  std::mt19937 rng(20261125);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const char* channels[] = {"site_form", "phone", "email", ""};
  for (int round = 0; round < 200; ++round) {
    std::map<int64_t, FunnelCard> cards;
    std::vector<Reach> events;
    int n = uniform(0, 40);
    for (int64_t d = 1; d <= n; ++d) {
      cards[d] = {d, uniform(1, 3), "", "", channels[uniform(0, 3)], uniform(0, 1) ? "A" : "B"};
      // A walk down the funnel with random gaps (sometimes zero: skipped steps), sometimes
      // out of order or repeated, as messy data can be.
      TimeMs t = uniform(0, 60) * kDay + uniform(0, 23) * kHour;
      size_t depth = static_cast<size_t>(uniform(0, static_cast<int>(kSteps.size())));
      for (size_t s = 0; s < depth; ++s) {
        if (uniform(0, 9) == 0) continue;  // a step missing from the record
        events.push_back({d, cards[d].manager, kSteps[s], t, 0});
        if (uniform(0, 14) == 0) events.push_back({d, cards[d].manager, kSteps[s], t + uniform(-3, 3) * kDay, 0});
        t += uniform(0, 2) == 0 ? 0 : uniform(1, 240) * kHour;
      }
    }
    events.push_back({999, 1, "won", 30 * kDay, 0});  // a card nobody described: ignored
    std::shuffle(events.begin(), events.end(), rng);
    for (auto mode : {FunnelMode::kCohort, FunnelMode::kFlow}) {
      for (auto by : {FunnelDimension::kNone, FunnelDimension::kManager, FunnelDimension::kChannel}) {
        TimeMs from = uniform(0, 40) * kDay;
        FunnelQuery q{mode, {from, from + uniform(1, 30) * kDay}, by, kSteps};
        auto t = ComputeFunnel(q, events, cards);
        std::string where = "round " + std::to_string(round) + " mode " + std::to_string(int(mode)) + " by " +
                            FunnelDimensionName(by);
        std::vector<int64_t> all;
        std::map<std::string, std::vector<int64_t>> by_key;
        for (const auto& [d, c] : cards) all.push_back(d), by_key[FunnelGroupKey(c, by)].push_back(d);
        for (size_t i = 0; i < kSteps.size(); ++i) ExpectSameCell(t.total.cells[i], BruteCell(q, events, all, i), where);
        if (by == FunnelDimension::kNone) {
          EXPECT_TRUE(t.groups.empty());
          continue;
        }
        std::set<std::string> seen;
        for (const auto& row : t.groups) {
          seen.insert(row.key);
          for (size_t i = 0; i < kSteps.size(); ++i)
            ExpectSameCell(row.cells[i], BruteCell(q, events, by_key[row.key], i), where + " key " + row.key);
        }
        for (const auto& [key, deals] : by_key) {
          bool any = false;
          for (size_t i = 0; i < kSteps.size(); ++i) {
            auto c = BruteCell(q, events, deals, i);
            any = any || c.entered || c.converted;
          }
          EXPECT_EQ(any, seen.count(key) == 1) << where << " key " << key;
          // Drill-down: the cards behind the cell are exactly as many as the cell says.
          if (!any) continue;
          for (size_t i = 0; i < kSteps.size(); ++i) {
            auto c = BruteCell(q, events, deals, i);
            EXPECT_EQ(FunnelCellCards(q, events, cards, key, kSteps[i], false).value().size(), size_t(c.entered));
            EXPECT_EQ(FunnelCellCards(q, events, cards, key, kSteps[i], true).value().size(), size_t(c.converted));
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace voronka::analytics
