// The reference pipeline's rules (DOMAIN.md, "The reference process"), each driven with a
// fixed clock; the whole list of effects is compared as text.

#include "process/engine.h"
#include "process/test_work_time.h"

#include <gtest/gtest.h>

#include <random>

namespace voronka::process {
namespace {

using nlohmann::json;

const TimeMs kT0 = *ParseIso("2026-11-24T10:00:00Z");
constexpr TimeMs kMin = 60'000, kDay = 86'400'000;

class ItStudio : public ::testing::Test {
 protected:
  const Definition& def = *ShippedDefinition("it_studio");
  PlainTime wt;

  Decision Step(const CardState& s, const Event& e, TimeMs now = kT0) {
    auto r = Decide(def, s, e, now, wt);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r.value() : Decision{s, {}};
  }
  static std::vector<std::string> Lines(const Decision& d) {
    std::vector<std::string> out;
    for (const auto& e : d.effects) out.push_back(Describe(e));
    return out;
  }
  CardState At(const std::string& stage, json fields = json::object()) {
    CardState s;
    s.stage = stage;
    s.fields = std::move(fields);
    return s;
  }
  static Event Created(const std::string& channel) { return {Event::Kind::kCreated, "", "", {{"channel", channel}}}; }
  static Event Move(const std::string& to) { return {Event::Kind::kMove, to, "", json::object()}; }
  static Event Scored(int score, const std::string& segment) {
    return {Event::Kind::kScored, "", "", {{"score", score}, {"segment", segment}, {"disqualified", false}}};
  }
  static Event Lost(const std::string& reason, json fields = json::object()) {
    return {Event::Kind::kLost, "", reason, std::move(fields)};
  }
  static Event Fired(const std::string& code) { return {Event::Kind::kTimerFired, "", code, json::object()}; }
};

TEST_F(ItStudio, ShippedDefinitionsLintClean) {
  EXPECT_EQ(ShippedDefinitionCodes(), (std::vector<std::string>{"canonical", "it_studio"}));
  EXPECT_EQ(def.stages.size(), 11u);
}

TEST_F(ItStudio, NonPhoneLeadGetsContactTaskDueIn30Minutes) {
  auto d = Step({}, Created("site_form"));
  EXPECT_EQ(Lines(d), (std::vector<std::string>{
                          "stage - -> incoming",
                          "task take_lead for responsible due 2026-11-24T10:15:00Z checkpoint",
                          "timer task:take_lead at 2026-11-24T10:15:00Z",
                          "stage incoming -> contact",
                          "task get_contact for responsible due 2026-11-24T10:30:00Z checkpoint",
                          "timer task:get_contact at 2026-11-24T10:30:00Z",
                      }));
  EXPECT_EQ(d.state.stage, "contact");
}

TEST_F(ItStudio, PhoneLeadGoesStraightToScreening) {
  auto d = Step({}, Created("phone"));
  EXPECT_EQ(d.state.stage, "screening");
  auto lines = Lines(d);
  EXPECT_EQ(lines[3], "stage incoming -> screening");
  EXPECT_EQ(lines[4], "task screening_call for responsible due 2026-11-25T10:00:00Z");
}

TEST_F(ItStudio, LeadNotTakenWithin15MinutesEscalatesToHead) {
  auto created = Step({}, Created("email"));
  auto late = Step(created.state, Fired("task:take_lead"), kT0 + 15 * kMin);
  EXPECT_EQ(Lines(late), (std::vector<std::string>{
                             "deviation overdue:take_lead to head: Task overdue: Take the lead into work"}));
  // Taken in time: the checkpoint is cancelled, and a late timer does nothing.
  auto taken = Step(created.state, {Event::Kind::kTaskDone, "", "take_lead", json::object()}, kT0 + 5 * kMin);
  EXPECT_EQ(Lines(taken), (std::vector<std::string>{"cancel timer task:take_lead"}));
  EXPECT_TRUE(Lines(Step(taken.state, Fired("task:take_lead"), kT0 + 15 * kMin)).empty());
}

TEST_F(ItStudio, ExitChecksListWhatIsMissing) {
  CardState s = At("contact");
  auto refused = Decide(def, s, Move("screening"), kT0, wt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::kUnprocessable);
  EXPECT_EQ(refused.error().message, "stage contact is not finished: phone, time_zone, call_time");
  ASSERT_EQ(refused.error().extra["missing"].size(), 3u);
  EXPECT_EQ(refused.error().extra["missing"][0]["ru"], "Телефон получен");
  for (const char* item : {"phone", "time_zone", "call_time"})
    s = Step(s, {Event::Kind::kCheck, "", item, json::object()}).state;
  auto moved = Step(s, Move("screening"));
  EXPECT_EQ(moved.state.stage, "screening");
}

TEST_F(ItStudio, MovingOnSettlesOpenCheckpointsAndClosingDropsThem) {
  auto lead = Step({}, Created("email")).state;  // take_lead and get_contact pending
  for (const char* item : {"phone", "time_zone", "call_time"})
    lead = Step(lead, {Event::Kind::kCheck, "", item, json::object()}).state;
  auto moved = Step(lead, Move("screening"), kT0 + 20 * kMin);
  auto lines = Lines(moved);
  EXPECT_EQ(std::vector<std::string>(lines.begin(), lines.begin() + 4),
            (std::vector<std::string>{"cancel timer task:get_contact", "complete task get_contact",
                                      "cancel timer task:take_lead", "complete task take_lead"}));
  EXPECT_TRUE(moved.state.open_tasks.empty());
  // Closing with a checkpoint still open drops it, and no deviation can follow.
  auto fresh = Step({}, Created("email")).state;
  auto closed = Step(fresh, Lost("segment_c"));
  EXPECT_EQ(closed.state.status, "lost");
  auto closed_lines = Lines(closed);
  EXPECT_NE(std::find(closed_lines.begin(), closed_lines.end(), "drop task take_lead"), closed_lines.end());
  EXPECT_TRUE(closed.state.timers.empty());
  EXPECT_TRUE(closed.state.open_tasks.empty());
}

TEST_F(ItStudio, UnknownChecklistItemIsRefused) {
  auto r = Decide(def, At("contact"), {Event::Kind::kCheck, "", "bogus", json::object()}, kT0, wt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "stage contact has no checklist item 'bogus'");
}

TEST_F(ItStudio, MovesOutsideTheMapAreRefused) {
  auto r = Decide(def, At("contact"), Move("won"), kT0, wt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "cannot move from contact to won; allowed: screening");
  auto lost = Decide(def, At("contact"), Move("lost"), kT0, wt);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().message, "to close a card as lost, give a lost reason");
}

TEST_F(ItStudio, SegmentCGetsRejectionLetterPartnerReferralAndCloses) {
  auto d = Step(At("scoring"), Scored(-12, "C"));
  EXPECT_EQ(Lines(d), (std::vector<std::string>{
                          "email rejection_c to contact",
                          "set partner_referral = \"true\"",
                          "notify responsible: Segment C: rejection sent with a partner agency offer",
                          "set lost_reason = \"segment_c\"",
                          "stage scoring -> lost",
                      }));
  EXPECT_EQ(d.state.status, "lost");
}

TEST_F(ItStudio, SegmentBAgreesTheNextMeeting) {
  auto d = Step(At("scoring"), Scored(3, "B"));
  EXPECT_EQ(Lines(d), (std::vector<std::string>{
                          "task agree_meeting for responsible due 2026-11-25T10:00:00Z checkpoint",
                          "timer task:agree_meeting at 2026-11-25T10:00:00Z"}));
  EXPECT_EQ(d.state.stage, "scoring");
}

TEST_F(ItStudio, SegmentAFormsWorkingGroupAndPreparesInterview) {
  auto d = Step(At("scoring"), Scored(11, "A"));
  EXPECT_EQ(Lines(d), (std::vector<std::string>{
                          "members + analyst, marketer, team_lead",
                          "stage scoring -> interview_prep",
                          "task prepare_interview for responsible due 2026-11-26T10:00:00Z checkpoint",
                          "timer task:prepare_interview at 2026-11-26T10:00:00Z"}));
}

TEST_F(ItStudio, KnockedOutLeadEndsAsDisqualified) {
  auto d = Step(At("scoring"), {Event::Kind::kScored, "", "", {{"disqualified", true}, {"segment", nullptr}}});
  EXPECT_EQ(d.state.stage, "lost");
  EXPECT_EQ(d.state.fields["lost_reason"], "knocked_out");
}

TEST_F(ItStudio, ScoreAbove9HeadJoinsProposal) {
  auto high = Step(At("deep_interview", {{"score", 10}, {"proposal_date", kT0 + kDay}}), Move("proposal"));
  auto lines = Lines(high);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "members + head"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "notify head: Score above 9: the head joins the proposal preparation"),
            lines.end());
  auto nine = Lines(Step(At("deep_interview", {{"score", 9}, {"proposal_date", kT0 + kDay}}), Move("proposal")));
  EXPECT_EQ(std::find(nine.begin(), nine.end(), "members + head"), nine.end());
}

TEST_F(ItStudio, DeepInterviewNeedsTheProposalDate) {
  auto r = Decide(def, At("deep_interview"), Move("proposal"), kT0, wt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().extra["missing"][0]["code"], "proposal_date");
}

TEST_F(ItStudio, ProposalEmailedWithoutPresentationGoesToClosingDueIn2BusinessDays) {
  auto d = Step(At("proposal"), Move("closing"));
  EXPECT_EQ(d.state.stage, "closing");
  EXPECT_EQ(Lines(d)[1], "task closing_followup for responsible due 2026-11-26T10:00:00Z checkpoint");
}

TEST_F(ItStudio, NoDecisionThreeDaysAfterPresentationMovesToClosing) {
  auto presented = Step(At("proposal"), Move("presentation"));
  EXPECT_EQ(presented.state.timers.at("presentation.1"), kT0 + 3 * kDay);
  auto d = Step(presented.state, Fired("presentation.1"), kT0 + 3 * kDay);
  EXPECT_EQ(d.state.stage, "closing");
  EXPECT_EQ(Lines(d)[0], "notify responsible: No decision 3 days after the presentation: the card moves to closing");
  // Won before the three days: the timer is gone and firing it changes nothing.
  auto won = Step(presented.state, Move("won"), kT0 + kDay);
  EXPECT_EQ(won.state.status, "won");
  EXPECT_TRUE(won.state.timers.empty());
  EXPECT_TRUE(Lines(Step(won.state, Fired("presentation.1"), kT0 + 3 * kDay)).empty());
}

TEST_F(ItStudio, TestTaskRequestGoesBackToScoring) {
  auto d = Step(At("closing"), Move("scoring"));
  EXPECT_EQ(d.state.stage, "scoring");
  EXPECT_EQ(Lines(d), (std::vector<std::string>{"stage closing -> scoring"}));
}

TEST_F(ItStudio, PostponedNeedsDateAndSchedulesTheFollowUp) {
  auto missing = Decide(def, At("closing"), Lost("postponed"), kT0, wt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "lost reason postponed needs: follow_up_at");
  TimeMs when = *ParseIso("2027-02-01T09:00:00Z");
  auto d = Step(At("closing"), Lost("postponed", {{"follow_up_at", when}}));
  EXPECT_EQ(Lines(d), (std::vector<std::string>{
                          "set lost_reason = \"postponed\"",
                          "task follow_up_postponed for responsible due 2027-02-01T09:00:00Z",
                          "stage closing -> lost"}));
}

TEST_F(ItStudio, WaitingForSomeonesDecisionGoesBackToDeepInterview) {
  auto d = Step(At("closing"), Lost("waiting_decision", {{"decision_maker", "Финансовый директор"}}));
  EXPECT_EQ(d.state.stage, "deep_interview");
  EXPECT_EQ(d.state.status, "open");
  EXPECT_EQ(d.state.fields["decision_maker"], "Финансовый директор");
}

TEST_F(ItStudio, ChoseCompetitorComesBackBeforeTheirDeadline) {
  TimeMs deadline = *ParseIso("2027-06-30T09:00:00Z");
  auto d = Step(At("closing"), Lost("competitor", {{"competitor", "Студия Б"}, {"our_rank", 2},
                                                   {"competitor_deadline", deadline}}));
  EXPECT_EQ(Lines(d)[1], "task come_back_competitor for responsible due 2027-06-23T09:00:00Z");
  EXPECT_EQ(d.state.status, "lost");
}

TEST_F(ItStudio, StillChoosingGetsDirectQuestions) {
  auto d = Step(At("presentation"), Lost("still_choosing"));
  EXPECT_EQ(d.state.stage, "closing");
  EXPECT_EQ(Lines(d)[1], "task direct_questions for responsible due 2026-11-25T10:00:00Z");
}

TEST_F(ItStudio, ProposalOpenedCreatesACallTask) {
  auto d = Step(At("closing"), {Event::Kind::kExternal, "", "proposal_opened", json::object()});
  EXPECT_EQ(Lines(d), (std::vector<std::string>{"task call_after_open for responsible due 2026-11-24T11:00:00Z"}));
}

// Random event sequences never leave the card on an undefined stage and never fire a
// timer twice.
TEST_F(ItStudio, RandomEventsKeepTheCardDefinedAndTimersFireOnce) {
  std::mt19937 rng(42);
  std::vector<std::string> stage_codes;
  for (const auto& s : def.stages) stage_codes.push_back(s.code);
  for (int run = 0; run < 300; ++run) {
    TimeMs now = kT0;
    auto start = Decide(def, {}, Created(rng() % 2 ? "phone" : "email"), now, wt);
    ASSERT_TRUE(start.ok());
    CardState s = start.value().state;
    std::map<std::string, int> fired;
    for (int step = 0; step < 40; ++step) {
      now += int64_t(rng() % 300) * kMin;
      Event e;
      switch (rng() % 6) {
        case 0: e = Move(stage_codes[rng() % stage_codes.size()]); break;
        case 1: e = Scored(int(rng() % 31) - 15, std::string(1, "ABC"[rng() % 3])); break;
        case 2: e = {Event::Kind::kCheck, "", std::vector<std::string>{"phone", "time_zone", "call_time"}[rng() % 3], json::object()}; break;
        case 3: e = Lost(std::vector<std::string>{"no_time", "still_choosing", "segment_c"}[rng() % 3]); break;
        default: {
          if (s.timers.empty()) continue;
          auto it = s.timers.begin();
          std::advance(it, rng() % s.timers.size());
          e = Fired(it->first);
        }
      }
      auto r = Decide(def, s, e, now, wt);
      if (!r.ok()) continue;  // refused events leave the state as it was
      for (const auto& fx : r.value().effects)
        if (auto set = std::get_if<effects::SetTimer>(&fx)) fired.erase(set->code);  // a re-armed timer may fire again
      if (e.kind == Event::Kind::kTimerFired && s.timers.count(e.code)) {
        ASSERT_EQ(++fired[e.code], 1) << e.code;
      }
      s = r.value().state;
      ASSERT_NE(def.FindStage(s.stage), nullptr) << s.stage;
      ASSERT_EQ(s.status == "open", def.FindStage(s.stage)->kind.empty());
    }
  }
}

TEST(DefinitionLint, ReportsEveryProblemWithItsLine) {
  const char* yaml = R"(code: broken
name: {ru: Сломано, en: Broken}
colour: red
stages:
  - code: a
    name: {ru: А, en: A}
    next: [b, nowhere]
    on_enter:
      - task: {code: t1, title: {ru: Т, en: T}, due: "soon"}
  - code: b
    name: {ru: Б}
    timers:
      - after: 3 days
        do:
          - fly: away
  - code: a
    name: {ru: А2, en: A2}
)";
  auto lint = LintDefinition(yaml, "broken.yaml");
  std::vector<std::string> lines;
  for (const auto& m : lint) lines.push_back(m.ToString());
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "broken.yaml:3:1: unknown key 'colour' in pipeline (allowed: code, name, stages, triggers, lost_reasons)",
                       "broken.yaml:9:55: stage a on_enter[1].task.due: 'soon' is not a duration; use e.g. \"15 minutes\", "
                       "\"30 working minutes\", \"4 hours\", \"2 business days\", \"3 days\"",
                       "broken.yaml:11:11: stage b.name needs 'en'",
                       "broken.yaml:15:13: stage b timer do[1]: unknown action 'fly' (allowed: task, notify, email, move, "
                       "members, set, deviation, if)",
                       "broken.yaml:16:11: stage code 'a' is used twice",
                       "broken.yaml:7:11: stage a next: no stage 'nowhere' in this pipeline",
                   }));
  auto loaded = LoadDefinition(yaml, "broken.yaml");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("broken.yaml:3:1"), std::string::npos);
}

TEST(DefinitionLint, SyntaxErrorsHaveAPosition) {
  auto lint = LintDefinition("code: x\nstages: [\n", "syntax.yaml");
  ASSERT_EQ(lint.size(), 1u);
  EXPECT_EQ(lint[0].line, 3);
  EXPECT_NE(lint[0].message.find("YAML syntax"), std::string::npos);
}

// Found by fuzz/pipeline_yaml (fuzz/crashes/pipeline_yaml-invalid-utf8-name.yaml): a pipeline
// with a broken UTF-8 byte in a name loaded, and every JSON answer carrying it then threw.
TEST(DefinitionLint, InvalidUtf8IsRefusedWithItsLine) {
  std::string yaml = "code: x\nname: {ru: \"\xFF\", en: X}\nstages: []\n";
  auto lint = LintDefinition(yaml, "bad.yaml");
  ASSERT_EQ(lint.size(), 1u);
  EXPECT_EQ(lint[0].line, 2);
  EXPECT_NE(lint[0].message.find("not valid UTF-8"), std::string::npos);
  EXPECT_FALSE(LoadDefinition(yaml, "bad.yaml").ok());
}

// Found by fuzz/pipeline_yaml: a task written as plain text instead of a map threw out of the linter.
TEST(DefinitionLint, ATaskThatIsPlainTextIsAProblemNotACrash) {
  std::string yaml =
      "code: x\nname: {ru: X, en: X}\nstages:\n  - code: a\n    name: {ru: A, en: A}\n    on_enter:\n"
      "      - task:\n          just some text\n";
  std::vector<LintMessage> lint;
  EXPECT_NO_THROW(lint = LintDefinition(yaml, "bad.yaml"));
  ASSERT_FALSE(lint.empty());
  EXPECT_GE(lint[0].line, 7);
  EXPECT_FALSE(LoadDefinition(yaml, "bad.yaml").ok());
}

TEST(Duration, ParsesHumanUnits) {
  EXPECT_EQ(FormatDuration(*ParseDuration("30 working minutes")), "30 working minutes");
  EXPECT_EQ(FormatDuration(*ParseDuration("4 hours")), "240 minutes");
  EXPECT_EQ(FormatDuration(*ParseDuration("1 working hour")), "60 working minutes");
  EXPECT_EQ(FormatDuration(*ParseDuration("2 Business Days")), "2 business days");
  EXPECT_FALSE(ParseDuration("soon"));
  EXPECT_FALSE(ParseDuration("3 weeks"));
  EXPECT_FALSE(ParseDuration("-3 days"));
}

}  // namespace
}  // namespace voronka::process
