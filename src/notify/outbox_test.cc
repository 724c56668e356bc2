#include "notify/outbox.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "domain/validate.h"
#include "notify/test_smtp_sink.h"
#include "storage/records.h"
#include "storage/test_db.h"

namespace voronka::notify {
namespace {

using nlohmann::json;
using testing::SmtpSink;

#define REQUIRE_SMTP_SINK() \
  if (!SmtpSink::Available()) GTEST_SKIP() << "/usr/bin/python3 -m aiosmtpd is not installed"

constexpr TimeMs kNow = 1'795'564'028'000;  // 2026-11-24T23:47:08Z
constexpr TimeMs kMinute = 60'000;

class FixedClock final : public Clock {
 public:
  TimeMs NowMs() const override { return now; }
  std::atomic<TimeMs> now{kNow};
};

struct OutboxRow {
  int64_t attempts = 0;
  TimeMs next_attempt_at = 0;
  std::optional<TimeMs> done_at{};
  std::optional<std::string> last_error{};
};

class OutboxTest : public ::testing::Test {
 protected:
  storage::TestDb t;
  int64_t manager = 0, contact = 0, deal = 0;

  void SetUp() override { Seed({"ivan@client.ru", "second@client.ru"}); }

  json Add(const char* entity, const json& body) {
    const auto& spec = *domain::FindEntity(entity);
    auto values = domain::ValidateCreate(spec, body);
    EXPECT_TRUE(values.ok()) << (values.ok() ? "" : values.error().message);
    auto tx = t.db().Begin(storage::TxMode::kWrite);
    auto r = storage::CreateRecord(*tx, spec, values.value(), {std::nullopt, kNow - 1000});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    tx->Commit();
    return r.ok() ? r.value() : json();
  }

  void Seed(const json& contact_emails, const std::string& manager_locale = "ru") {
    {
      auto tx = t.db().Begin(storage::TxMode::kWrite);
      manager = tx->Query(
                      "INSERT INTO users (created_at, updated_at, email, name, role, locale) "
                      "VALUES (1, 1, ?, 'Анна Смирнова', 'manager', ?) RETURNING id",
                      {"anna" + std::to_string(manager + 1) + "@studio.ru", manager_locale})[0]
                    .Int(0);
      tx->Commit();
    }
    json c = {{"name", "Иван Петров"}, {"responsible_id", manager}};
    if (!contact_emails.empty()) c["emails"] = contact_emails;
    contact = Add("contacts", c)["id"];
    deal = Add("deals", {{"title", "Сайт для пекарни"}, {"contact_id", contact}, {"responsible_id", manager}})["id"];
  }

  int64_t Queue(const json& payload, std::optional<int64_t> deal_id = std::nullopt, TimeMs at = kNow) {
    auto tx = t.db().Begin(storage::TxMode::kWrite);
    int64_t id = tx->Query(
                       "INSERT INTO outbox (kind, deal_id, payload, created_at, next_attempt_at) "
                       "VALUES ('email', ?, ?, ?, ?) RETURNING id",
                       {deal_id.value_or(deal), payload.dump(), at, at})[0]
                     .Int(0);
    tx->Commit();
    return id;
  }
  int64_t QueueRejection() { return Queue({{"template", "rejection_c"}, {"to", "contact"}}); }

  OutboxRow Row(int64_t id) {
    auto tx = t.db().Begin(storage::TxMode::kRead);
    auto r = tx->Query("SELECT attempts, next_attempt_at, done_at, last_error FROM outbox WHERE id = ?", {id});
    return {r[0].Int(0), r[0].Int(1), r[0].MaybeInt(2), r[0].MaybeText(3)};
  }

  std::vector<std::string> Log(int64_t deal_id) {
    auto tx = t.db().Begin(storage::TxMode::kRead);
    std::vector<std::string> out;
    for (const auto& r :
         tx->Query("SELECT at, user_id, event, effect FROM process_log WHERE deal_id = ? ORDER BY id", {deal_id})) {
      EXPECT_TRUE(r.IsNull(1));
      out.push_back(FormatIso(r.Int(0)) + " " + r.Text(2) + ": " + r.Text(3));
    }
    return out;
  }

  static SmtpConfig Config(const std::string& url) {
    return {.url = url, .from = "Студия Север <crm@studio.ru>", .timeout_s = 5, .company_name = "Студия Север"};
  }
  static std::string Unreachable() { return "smtp://127.0.0.1:" + std::to_string(SmtpSink::FreePort()); }
};

TEST_F(OutboxTest, SendsTheRejectionToTheContactExactlyOnce) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  ASSERT_EQ(sink.Start(), "");
  int64_t id = QueueRejection();

  DeliveryReport r = DeliverOutbox(t.db(), Config(sink.url()), kNow);
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(r.failed + r.skipped, 0);

  auto messages = sink.Messages();
  ASSERT_EQ(messages.size(), 1u);
  const json& m = messages[0];
  EXPECT_EQ(m["rcpt_tos"], json::array({"ivan@client.ru"}));
  EXPECT_EQ(m["mail_from"], "crm@studio.ru");
  EXPECT_EQ(m["headers"]["To"], "Иван Петров <ivan@client.ru>");
  EXPECT_EQ(m["headers"]["Subject"], "Студия Север: ответ по проекту «Сайт для пекарни»");
  EXPECT_EQ(m["headers"]["Date"], "Tue, 24 Nov 2026 23:47:08 +0000");
  EXPECT_EQ(std::string(m["headers"]["Message-ID"]).substr(0, 1), "<");
  EXPECT_EQ(m["defects"], json::array());
  std::string body = m["body"];
  EXPECT_EQ(body.rfind("Здравствуйте, Иван Петров!", 0), 0u) << body;
  EXPECT_NE(body.find("такие проекты ведёт\r\nнаше агентство-партнёр — команда, которой мы доверяем"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Анна Смирнова\r\nСтудия Север\r\nanna1@studio.ru"), std::string::npos) << body;

  OutboxRow row = Row(id);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.done_at, kNow);
  EXPECT_EQ(row.last_error, std::nullopt);
  EXPECT_EQ(Log(deal),
            std::vector<std::string>{"2026-11-24T23:47:08Z outbox: email rejection_c sent to ivan@client.ru"});

  DeliveryReport again = DeliverOutbox(t.db(), Config(sink.url()), kNow + 2 * 3'600'000);
  EXPECT_EQ(again.sent + again.failed + again.skipped, 0);
  EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST_F(OutboxTest, ServerDownIsRetriedLaterAndThenSentOnce) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;  // not started yet: its port refuses connections
  SmtpConfig cfg = Config(sink.url());
  int64_t id = QueueRejection();

  DeliveryReport down = DeliverOutbox(t.db(), cfg, kNow);
  EXPECT_EQ(down.failed, 1);
  EXPECT_EQ(down.sent, 0);
  OutboxRow row = Row(id);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.next_attempt_at, kNow + kMinute);
  EXPECT_EQ(row.done_at, std::nullopt);
  ASSERT_TRUE(row.last_error);
  EXPECT_NE(row.last_error->find("Failed to connect"), std::string::npos) << *row.last_error;
  EXPECT_EQ(Log(deal), std::vector<std::string>{});

  ASSERT_EQ(sink.Start(), "");
  DeliveryReport early = DeliverOutbox(t.db(), cfg, kNow + 30'000);
  EXPECT_EQ(early.sent + early.failed, 0);
  EXPECT_EQ(sink.Messages().size(), 0u);

  DeliveryReport up = DeliverOutbox(t.db(), cfg, kNow + kMinute);
  EXPECT_EQ(up.sent, 1);
  row = Row(id);
  EXPECT_EQ(row.attempts, 2);
  EXPECT_EQ(row.done_at, kNow + kMinute);
  EXPECT_EQ(row.last_error, std::nullopt);
  EXPECT_EQ(DeliverOutbox(t.db(), cfg, kNow + 3'600'000).sent, 0);
  auto messages = sink.Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["rcpt_tos"], json::array({"ivan@client.ru"}));
}

TEST_F(OutboxTest, TemplateWithAnUnknownVariableFailsBeforeSending) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  ASSERT_EQ(sink.Start(), "");
  std::string tmpl = (std::filesystem::temp_directory_path() / "voronka-tmpl-XXXXXX").string();
  std::string dir = mkdtemp(tmpl.data());
  std::ofstream(dir + "/rejection_c.yaml") << "code: rejection_c\n"
                                              "subject: {ru: \"Ответ\", en: \"Answer\"}\n"
                                              "body:\n"
                                              "  ru: |\n"
                                              "    Здравствуйте, {{contact_nmae}}!\n"
                                              "  en: Hello\n";
  SmtpConfig cfg = Config(sink.url());
  cfg.templates_dir = dir;
  int64_t id = QueueRejection();

  DeliveryReport r = DeliverOutbox(t.db(), cfg, kNow);
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(r.sent, 0);
  EXPECT_EQ(sink.Messages().size(), 0u);
  OutboxRow row = Row(id);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.done_at, std::nullopt);
  EXPECT_EQ(row.next_attempt_at, kNow + kMinute);
  const std::string problem =
      "rejection_c.yaml:5:19: body.ru: unknown variable {{contact_nmae}} (known: company_name, contact_name, "
      "deal_title, manager_email, manager_name; declare others under defaults)";
  EXPECT_EQ(row.last_error, "e-mail template rejection_c is broken:\n" + problem);

  Status check = CheckMailConfig(cfg);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().message, problem);
  std::filesystem::remove_all(dir);
}

TEST_F(OutboxTest, ContactWithoutAnAddressIsSkippedAndLogged) {
  Seed(json::array());
  int64_t id = QueueRejection();
  DeliveryReport r = DeliverOutbox(t.db(), Config(Unreachable()), kNow);
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(r.sent + r.failed, 0);
  OutboxRow row = Row(id);
  EXPECT_EQ(row.done_at, kNow);
  EXPECT_EQ(row.last_error, "no e-mail address");
  EXPECT_EQ(Log(deal),
            std::vector<std::string>{"2026-11-24T23:47:08Z outbox: email rejection_c not sent: no e-mail address"});
}

TEST_F(OutboxTest, ResponsibleManagerGetsTheLetterInTheirLanguage) {
  REQUIRE_SMTP_SINK();
  Seed({"petrov@client.ru"}, "en");
  SmtpSink sink;
  ASSERT_EQ(sink.Start(), "");
  Queue({{"template", "proposal_sent"}, {"to", "responsible"}});
  EXPECT_EQ(DeliverOutbox(t.db(), Config(sink.url()), kNow).sent, 1);
  auto messages = sink.Messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["rcpt_tos"], json::array({"anna2@studio.ru"}));
  EXPECT_EQ(messages[0]["headers"]["Subject"], "Our proposal for “Сайт для пекарни”");
  EXPECT_NE(std::string(messages[0]["body"]).find("Hello Иван Петров,"), std::string::npos);
}

TEST_F(OutboxTest, GivesUpAfterTenAttemptsKeepingTheError) {
  int64_t id = QueueRejection();
  SmtpConfig cfg = Config(Unreachable());
  TimeMs at = kNow;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    EXPECT_EQ(DeliverOutbox(t.db(), cfg, at - 1).failed, 0) << "due before its time, attempt " << attempt;
    ASSERT_EQ(DeliverOutbox(t.db(), cfg, at).failed, 1) << "attempt " << attempt;
    OutboxRow row = Row(id);
    ASSERT_EQ(row.attempts, attempt);
    if (attempt < kMaxAttempts) {
      ASSERT_EQ(row.next_attempt_at, at + RetryDelay(attempt));
    }
    at = row.next_attempt_at;
  }
  OutboxRow row = Row(id);
  EXPECT_EQ(row.next_attempt_at, kGaveUp);
  EXPECT_EQ(row.done_at, std::nullopt);
  ASSERT_TRUE(row.last_error);
  EXPECT_NE(row.last_error->find("Failed to connect"), std::string::npos);
  auto log = Log(deal);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("outbox: email rejection_c not sent after 10 attempts: SMTP smtp://127.0.0.1:"),
            std::string::npos)
      << log[0];
  EXPECT_EQ(DeliverOutbox(t.db(), cfg, kNow + int64_t{365} * 24 * 3'600'000).failed, 0);
}

TEST_F(OutboxTest, RowsThatCannotSucceedGiveUpAtOnce) {
  int64_t head = Queue({{"template", "rejection_c"}, {"to", "head"}});
  int64_t garbage = Queue(json("not an object"));
  int64_t orphan = Queue({{"template", "rejection_c"}}, 999);
  {
    auto tx = t.db().Begin(storage::TxMode::kWrite);
    tx->Exec("UPDATE users SET email = 'anna at studio' WHERE id = ?", {manager});
    tx->Commit();
  }
  int64_t bad_address = Queue({{"template", "rejection_c"}, {"to", "responsible"}});
  DeliveryReport r = DeliverOutbox(t.db(), Config(Unreachable()), kNow);
  EXPECT_EQ(r.failed, 4);
  for (int64_t id : {head, garbage, orphan, bad_address}) {
    EXPECT_EQ(Row(id).next_attempt_at, kGaveUp);
    EXPECT_EQ(Row(id).attempts, 1);
  }
  EXPECT_EQ(Row(head).last_error, "unknown recipient 'head' (expected contact or responsible)");
  EXPECT_EQ(Row(garbage).last_error, "bad outbox payload (expected {\"template\": …, \"to\": …}): \"not an object\"");
  EXPECT_EQ(Row(orphan).last_error, "deal 999 does not exist");
  EXPECT_EQ(Row(bad_address).last_error, "'anna at studio' is not an e-mail address");
  EXPECT_EQ(Log(deal), (std::vector<std::string>{
                           "2026-11-24T23:47:08Z outbox: email rejection_c not sent after 1 attempt: unknown "
                           "recipient 'head' (expected contact or responsible)",
                           "2026-11-24T23:47:08Z outbox: email not sent after 1 attempt: bad outbox payload "
                           "(expected {\"template\": …, \"to\": …}): \"not an object\"",
                           "2026-11-24T23:47:08Z outbox: email rejection_c not sent after 1 attempt: 'anna at "
                           "studio' is not an e-mail address"}));
}

TEST_F(OutboxTest, TwoWorkersSendEachRowOnce) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  ASSERT_EQ(sink.Start(), "");
  std::vector<int64_t> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(QueueRejection());
  SmtpConfig cfg = Config(sink.url());
  DeliveryReport a, b;
  std::thread first([&] { a = DeliverOutbox(t.db(), cfg, kNow); });
  std::thread second([&] { b = DeliverOutbox(t.db(), cfg, kNow); });
  first.join();
  second.join();
  EXPECT_EQ(a.sent + b.sent, 12);
  EXPECT_EQ(a.failed + b.failed + a.skipped + b.skipped, 0);
  EXPECT_EQ(sink.Messages().size(), 12u);
  for (int64_t id : ids) {
    EXPECT_EQ(Row(id).attempts, 1);
    EXPECT_EQ(Row(id).done_at, kNow);
  }
}

TEST_F(OutboxTest, WorkerDeliversInTheBackgroundAndStopsPromptly) {
  REQUIRE_SMTP_SINK();
  SmtpSink sink;
  ASSERT_EQ(sink.Start(), "");
  FixedClock clock;
  OutboxWorker worker(t.db(), Config(sink.url()), clock, std::chrono::milliseconds(20));
  worker.Start();
  int64_t id = QueueRejection();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Row(id).done_at && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(Row(id).done_at, kNow);

  auto before = std::chrono::steady_clock::now();
  worker.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(500));
  int64_t later = QueueRejection();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(Row(later).attempts, 0);
  EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST(OutboxRetryTest, DelayDoublesFromAMinuteUpToAnHour) {
  std::vector<TimeMs> minutes;
  for (int attempts = 1; attempts <= 10; ++attempts) minutes.push_back(RetryDelay(attempts) / kMinute);
  EXPECT_EQ(minutes, (std::vector<TimeMs>{1, 2, 4, 8, 16, 32, 60, 60, 60, 60}));
}

TEST(OutboxConfigTest, ProblemsAreListedTogether) {
  SmtpConfig good{.url = "smtps://smtp.example.ru:465", .from = "Студия <crm@studio.ru>"};
  EXPECT_TRUE(CheckMailConfig(good).ok());
  SmtpConfig bad{
      .url = "http://x", .from = "crm", .timeout_s = 0, .templates_dir = "/nonexistent/templates", .locale = "de"};
  Status s = CheckMailConfig(bad);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::kInvalid);
  EXPECT_EQ(s.error().message,
            "smtp url must start with smtp:// or smtps:// (got 'http://x')\n"
            "from: 'crm' is not an e-mail address\n"
            "locale must be ru or en (got 'de')\n"
            "timeout_s must be at least 1\n"
            "cannot read e-mail templates in /nonexistent/templates: No such file or directory");
}

}  // namespace
}  // namespace voronka::notify
