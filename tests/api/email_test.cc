// Segment C over HTTP with a real SMTP sink: the templated rejection with the partner
// offer reaches the client's mailbox, once.

#include <chrono>
#include <thread>

#include "fixture.h"
#include "notify/test_smtp_sink.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class EmailTest : public ApiTest {
 public:
  static void SetUpTestSuite() {
    if (!notify::testing::SmtpSink::Available()) return;
    sink_ = std::make_unique<notify::testing::SmtpSink>();
    std::string error = sink_->Start();
    ASSERT_TRUE(error.empty()) << error;
    server_ = std::make_unique<ServerProcess>();
    server_->AddUser("m1@test.ru", "manager", kPassword, "Алексей Первый", true);
    server_->Start({"--smtp-url", "smtp://127.0.0.1:" + std::to_string(sink_->port()), "--smtp-from",
                    "Студия <crm@studio.test>", "--company-name", "Студия Север", "--partner-name", "Агентство Б"});
  }
  static void TearDownTestSuite() {
    server_.reset();
    sink_.reset();
  }
  static inline std::unique_ptr<notify::testing::SmtpSink> sink_;
};

TEST_F(EmailTest, SegmentCRejectionReachesTheClientOnce) {
  if (!sink_) GTEST_SKIP() << "python3-aiosmtpd is not installed";
  auto m1 = As("m1@test.ru");
  auto lead = m1->Post("/api/intake", {{"channel", "email"}, {"name", "Василий Отказов"}, {"email", "vasily@client.test"}});
  ASSERT_EQ(lead.status, 201);
  json model = m1->Get("/api/scoring/model").json();
  json values = json::object();
  for (auto& b : model["blocks"])
    for (auto& p : b["parameters"]) values[p["code"].get<std::string>()] = -1;
  auto url = "/api/deals/" + std::to_string(lead.json()["deal"]["id"].get<int64_t>());
  ASSERT_EQ(m1->Post(url + "/score", {{"values", values}}).status, 200);
  std::vector<json> messages;
  for (int i = 0; i < 100 && messages.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    messages = sink_->Messages();
  }
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["rcpt_tos"], json({"vasily@client.test"}));
  std::string body = messages[0]["body"];
  EXPECT_NE(body.find("Василий Отказов"), std::string::npos) << body;
  EXPECT_NE(body.find("Агентство Б"), std::string::npos) << body;
  // The card's timeline records the sending; nothing is sent twice.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(sink_->Messages().size(), 1u);
  json timeline = m1->Get(url + "/timeline").json();
  bool logged = false;
  for (auto& e : timeline["items"])
    logged = logged || (e["kind"] == "process" && e["text"].get<std::string>().find("sent to vasily@client.test") != std::string::npos);
  EXPECT_TRUE(logged);
}

}  // namespace
}  // namespace voronka::testing
