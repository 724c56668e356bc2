// Backups: `voronka backup` while the server takes leads gives a database as of one commit;
// `voronka restore` brings it back; scheduled backups keep the newest N.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fixture.h"

namespace voronka::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One value from SQL on the server's database, through the engine's own client.
std::string Scalar(const ServerProcess& server, const std::string& sql) {
  std::string out;
  if (UsingPostgres()) {
    EXPECT_EQ(RunPsql(server.pg_conninfo(), sql, &out), 0) << out;
  } else {
    FILE* p = popen(("sqlite3 -batch '" + server.db_path() + "' \"" + sql + "\" 2>&1").c_str(), "r");
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << out;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}
int64_t Count(const ServerProcess& server, const std::string& sql) { return std::stoll(Scalar(server, sql)); }

std::string Token(const ServerProcess& server) {
  std::string token;
  EXPECT_EQ(server.RunCli({"token", "create", "--email", "admin@test.ru", "--name", "backup"}, &token), 0) << token;
  return token.substr(0, token.find('\n'));
}

TEST(OpsBackup, BackupTakenDuringWritesRestoresToOneCommittedPoint) {
  ServerProcess server;
  server.AddUser("admin@test.ru", "admin", kPassword);
  server.AddUser("m1@test.ru", "manager", kPassword, "Менеджер", true);
  std::string token = Token(server);
  server.Start();

  // Four clients take leads without pause; each lead is one transaction (contact, deal, activity).
  std::atomic<bool> stop{false};
  std::atomic<int64_t> acked{0}, failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w)
    writers.emplace_back([&, w] {
      HttpClient c(server.port());
      c.SetBearer(token);
      for (int i = 0; !stop.load(); ++i) {
        std::string n = std::to_string(w) + "-" + std::to_string(i);
        auto r = c.Post("/api/intake", {{"channel", "site_form"}, {"name", "Лид " + n}, {"email", "l" + n + "@b.ru"}});
        if (r.status == 201) ++acked;
        else ++failed;
      }
    });
  while (acked.load() < 150) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  int64_t acked_before = acked.load();
  std::string file = server.dir() + "/backup.bin";
  std::string out;
  ASSERT_EQ(server.RunCli({"backup", "--out", file}, &out), 0) << out;
  int64_t acked_after = acked.load();
  EXPECT_NE(out.find("backup written to " + file), std::string::npos) << out;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes go on after the copy
  stop = true;
  for (auto& t : writers) t.join();
  EXPECT_EQ(failed.load(), 0);
  int64_t total = Count(server, "SELECT COUNT(*) FROM deals");
  EXPECT_EQ(total, acked.load());

  ServerProcess restored;  // an empty place (SQLite: no file yet; PostgreSQL: an empty database)
  ASSERT_EQ(restored.RunCli({"restore", "--in", file}, &out), 0) << out;
  if (!UsingPostgres()) {
    EXPECT_EQ(Scalar(restored, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(Scalar(restored, "PRAGMA foreign_key_check"), "");
  }
  int64_t deals = Count(restored, "SELECT COUNT(*) FROM deals");
  // The copy is the database at one commit while leads kept coming: everything acknowledged
  // before the backup started, nothing beyond what was committed when it ended...
  EXPECT_GE(deals, acked_before);
  EXPECT_LE(deals, acked_after + 4);  // + the leads in flight when it ended
  EXPECT_LT(deals, total) << "the backup did not run while writes went on";
  // ...and no lead half there: each deal with its contact and its incoming activity.
  EXPECT_EQ(Count(restored, "SELECT COUNT(*) FROM contacts"), deals);
  EXPECT_EQ(Count(restored, "SELECT COUNT(*) FROM deals d JOIN contacts c ON c.id = d.contact_id"), deals);
  EXPECT_EQ(Count(restored, "SELECT COUNT(*) FROM activities"), deals);
  EXPECT_EQ(Count(restored, "SELECT COUNT(*) FROM users"), 2);

  // The restored database serves: the same leads over the API.
  restored.Start();
  HttpClient c(restored.port());
  ASSERT_EQ(c.Login("admin@test.ru", kPassword), 200);
  int64_t listed = 0;
  std::string cursor;
  do {
    auto page = c.Get("/api/deals?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor)).json();
    listed += static_cast<int64_t>(page["items"].size());
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
  } while (!cursor.empty());
  EXPECT_EQ(listed, deals);
}

TEST(OpsBackup, RestoreRefusesABrokenBackupAndAnExistingDatabaseWithoutForce) {
  ServerProcess server;
  server.AddUser("admin@test.ru", "admin", kPassword);
  std::string garbage = server.dir() + "/garbage.bin", good = server.dir() + "/good.bin", out;
  std::ofstream(garbage) << "this is not a database";
  ASSERT_EQ(server.RunCli({"backup", "--out", good}, &out), 0) << out;
  EXPECT_EQ(server.RunCli({"restore", "--in", garbage, "--force"}, &out), 1) << out;
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM users"), 1) << "a failed restore left the database intact";
  if (UsingPostgres()) return;
  EXPECT_EQ(server.RunCli({"restore", "--in", good}, &out), 1) << out;
  EXPECT_NE(out.find("exists; stop the server and pass --force"), std::string::npos) << out;
  server.AddUser("second@test.ru", "manager", kPassword);
  EXPECT_EQ(server.RunCli({"restore", "--in", good, "--force"}, &out), 0) << out;
  EXPECT_EQ(Count(server, "SELECT COUNT(*) FROM users"), 1) << "back to the backup's one user";
}

TEST(OpsBackup, ScheduledBackupsKeepTheNewest) {
  ServerProcess server;
  server.AddUser("admin@test.ru", "admin", kPassword);
  std::string dir = server.dir() + "/backups";
  server.Start({"--backup-dir", dir, "--backup-every", "1s", "--backup-keep", "2"});
  std::vector<fs::path> files;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::set<std::string> seen;
  while (seen.size() < 4 && std::chrono::steady_clock::now() < deadline) {
    files.clear();
    if (fs::exists(dir))
      for (auto& e : fs::directory_iterator(dir))
        if (e.path().extension() != ".tmp") files.push_back(e.path()), seen.insert(e.path().filename().string());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_GE(seen.size(), 3u) << "scheduled backups are not being written";
  files.clear();
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().extension() != ".tmp") files.push_back(e.path());
  EXPECT_LE(files.size(), 2u);
  ASSERT_FALSE(files.empty());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files.back().filename().string().rfind("voronka-", 0), 0u);
  EXPECT_EQ(files.back().extension(), UsingPostgres() ? ".pgdump" : ".db");
  // The newest one restores.
  ServerProcess restored;
  std::string out;
  ASSERT_EQ(restored.RunCli({"restore", "--in", files.back().string()}, &out), 0) << out;
  EXPECT_EQ(Count(restored, "SELECT COUNT(*) FROM users"), 1);
  EXPECT_EQ(server.Terminate(), 0) << server.Log();
}

}  // namespace
}  // namespace voronka::testing
