// `voronka process replay`: the recorded history of real cards through a changed pipeline.

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class ProcessReplayTest : public ApiTest {
 protected:
  // The shipped reference pipeline's YAML from the source tree.
  static std::string ShippedYaml() {
    auto root = std::filesystem::path(VORONKA_PG_CLUSTER_SCRIPT).parent_path().parent_path();
    std::ifstream in(root / "processes" / "it_studio.yaml");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

TEST_F(ProcessReplayTest, ARenamedTaskShowsWhatTheRecordedCardsWouldHaveGotInstead) {
  auto m1 = As("m1@test.ru");
  std::vector<int64_t> deals;
  for (int i = 0; i < 3; ++i) {
    auto r = m1->Post("/api/intake", {{"channel", "site_form"}, {"name", "Лид " + std::to_string(i)},
                                      {"phone", "+791600000" + std::to_string(10 + i)}});
    ASSERT_EQ(r.status, 201) << r.body;
    deals.push_back(r.json()["deal"]["id"].get<int64_t>());
  }
  // Two of the three are taken into work.
  for (int i = 0; i < 2; ++i) {
    json tasks = m1->Get("/api/tasks?deal_id=" + std::to_string(deals[i]) + "&kind=take_lead").json();
    ASSERT_EQ(tasks["items"].size(), 1u);
    json task = tasks["items"][0];
    ASSERT_EQ(m1->Patch("/api/tasks/" + std::to_string(task["id"].get<int64_t>()),
                        {{"version", task["version"]}, {"done", true}})
                  .status,
              200);
  }

  std::string yaml = ShippedYaml();
  auto at = yaml.find("code: take_lead\n");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, std::string("code: take_lead").size(), "code: take_into_work");
  std::string file = server_->dir() + "/changed.yaml";
  std::ofstream(file) << yaml;

  std::string out;
  ASSERT_EQ(server_->RunCli({"process", "replay", "--definition", file, "--from", "2020-01-01"}, &out), 0) << out;
  EXPECT_NE(out.find("replayed 3 card(s) of it_studio"), std::string::npos) << out;
  auto line = [&](const std::string& rule) {
    std::istringstream lines(out);
    for (std::string l; std::getline(lines, l);)
      if (l.rfind(rule + " ", 0) == 0 && std::isdigit(static_cast<unsigned char>(
                                              l[l.find_first_not_of(' ', rule.size())]))) {
        std::istringstream cols(l.substr(rule.size()));
        std::string now, changed;
        cols >> now >> changed;
        return now + " → " + changed;
      }
    return std::string("(no line)");
  };
  EXPECT_EQ(line("task take_lead"), "3 → 0") << out;
  EXPECT_EQ(line("task take_lead done on time"), "2 → 0") << out;
  EXPECT_EQ(line("task take_into_work"), "0 → 3") << out;
  EXPECT_EQ(line("stage contact"), "(no line)") << out;  // the same under both: not listed

  // The running pipeline against itself: nothing differs.
  std::string same = server_->dir() + "/same.yaml";
  std::ofstream(same) << ShippedYaml();
  ASSERT_EQ(server_->RunCli({"process", "replay", "--definition", same, "--from", "2020-01-01"}, &out), 0) << out;
  EXPECT_NE(out.find("no rule would work differently"), std::string::npos) << out;

  // Bad input is named.
  EXPECT_NE(server_->RunCli({"process", "replay", "--definition", file, "--from", "yesterday"}, &out), 0);
  EXPECT_NE(out.find("--from must be a date"), std::string::npos) << out;
}

}  // namespace
}  // namespace voronka::testing
