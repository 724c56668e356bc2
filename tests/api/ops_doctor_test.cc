// `voronka doctor`: one readable line per check, exit 1 when any check fails.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "fixture.h"
#include "notify/test_smtp_sink.h"

namespace voronka::testing {
namespace {

bool Has(const std::string& out, const std::string& line) { return out.find(line) != std::string::npos; }

TEST(OpsDoctor, HealthyInstallationPasses) {
  ServerProcess server;
  server.AddUser("admin@test.ru", "admin", kPassword);
  std::string out;
  EXPECT_EQ(server.RunCli({"doctor"}, &out), 0) << out;
  EXPECT_TRUE(Has(out, "ok    config: flags are valid")) << out;
  EXPECT_TRUE(Has(out, "ok    database: ")) << out;
  EXPECT_TRUE(Has(out, "1 user(s)")) << out;
  EXPECT_TRUE(Has(out, "ok    migrations: schema version ")) << out;
  EXPECT_TRUE(Has(out, "WARN  smtp: no --smtp-url: e-mails wait in the outbox")) << out;
  if (!UsingPostgres()) {
    EXPECT_TRUE(Has(out, "ok    disk (database): ")) << out;
  }
  EXPECT_TRUE(Has(out, "doctor: all checks passed")) << out;
}

TEST(OpsDoctor, SmtpServerThatAnswersPassesOneThatDoesNotFails) {
  ServerProcess server;
  server.AddUser("admin@test.ru", "admin", kPassword);
  std::string out;
  int closed = notify::testing::SmtpSink::FreePort();
  EXPECT_EQ(server.RunCli({"doctor", "--smtp-url", "smtp://127.0.0.1:" + std::to_string(closed), "--smtp-from",
                           "crm@studio.test"},
                          &out),
            1)
      << out;
  EXPECT_TRUE(Has(out, "FAIL  smtp: smtp://127.0.0.1:" + std::to_string(closed) + " does not answer")) << out;
  EXPECT_TRUE(Has(out, "doctor: problems found")) << out;

  EXPECT_EQ(server.RunCli({"doctor", "--smtp-url", "ftp://mail", "--smtp-from", "crm@studio.test"}, &out), 1);
  EXPECT_TRUE(Has(out, "FAIL  smtp: smtp url must start with smtp:// or smtps://")) << out;

  if (!notify::testing::SmtpSink::Available()) GTEST_SKIP() << "python3-aiosmtpd is not installed";
  notify::testing::SmtpSink sink;
  ASSERT_EQ(sink.Start(), "");
  EXPECT_EQ(server.RunCli({"doctor", "--smtp-url", sink.url(), "--smtp-from", "crm@studio.test"}, &out), 0) << out;
  EXPECT_TRUE(Has(out, "ok    smtp: " + sink.url() + " answers")) << out;
}

TEST(OpsDoctor, MissingDatabaseNewerSchemaAndFullDiskFail) {
  ServerProcess server;
  std::string out;
  if (!UsingPostgres()) {
    std::string cmd = std::string(VORONKA_BINARY) + " doctor --db " + server.dir() + "/nothing-here.db 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    out.clear();
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    EXPECT_EQ(WEXITSTATUS(pclose(p)), 1) << out;
    EXPECT_TRUE(Has(out, "FAIL  database: SQLite file " + server.dir() + "/nothing-here.db does not exist")) << out;
    EXPECT_FALSE(std::filesystem::exists(server.dir() + "/nothing-here.db")) << "doctor must not create it";
  }
  server.AddUser("admin@test.ru", "admin", kPassword);
  EXPECT_EQ(server.RunCli({"doctor", "--min-free-mb", "1000000000"}, &out), UsingPostgres() ? 0 : 1) << out;
  if (!UsingPostgres()) {
    EXPECT_TRUE(Has(out, "FAIL  disk (database): ")) << out;
  }
  EXPECT_EQ(server.RunCli({"doctor", "--backup-dir", server.dir() + "/no-such-dir"}, &out), 1) << out;
  EXPECT_TRUE(Has(out, "FAIL  config: --backup-dir " + server.dir() + "/no-such-dir is not a directory")) << out;

  std::string sql = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)";
  if (UsingPostgres()) {
    ASSERT_EQ(RunPsql(server.pg_conninfo(), sql), 0);
  } else {
    ASSERT_EQ(std::system(("sqlite3 '" + server.db_path() + "' \"" + sql + "\"").c_str()), 0);
  }
  EXPECT_EQ(server.RunCli({"doctor"}, &out), 1) << out;
  EXPECT_TRUE(Has(out, "FAIL  migrations: schema version 999 is newer than this build")) << out;
}

}  // namespace
}  // namespace voronka::testing
