// Graceful shutdown: SIGTERM stops accepting connections at once, lets a request already in
// flight finish and answer, and the process exits 0 (under the sanitizers: no leak reports).

#include <chrono>
#include <cstdlib>
#include <thread>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Holds the database's write lock from another client for `seconds` (a slow disk, a long
// report), so that a write request waits in the server meanwhile.
std::thread HoldWriteLock(const ServerProcess& server, int seconds) {
  if (UsingPostgres()) {
    std::string conninfo = server.pg_conninfo();
    return std::thread([conninfo, seconds] {
      RunPsql(conninfo, "BEGIN; LOCK TABLE deals IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(" +
                            std::to_string(seconds) + "); COMMIT;");
    });
  }
  std::string cmd = "(echo 'BEGIN IMMEDIATE;'; sleep " + std::to_string(seconds) + "; echo 'COMMIT;') | sqlite3 '" +
                    server.db_path() + "'";
  return std::thread([cmd] { EXPECT_EQ(std::system(cmd.c_str()), 0); });
}

TEST(OpsShutdown, RequestInFlightAtSigtermGetsItsAnswerThenTheServerExitsZero) {
  ServerProcess server;
  server.AddUser("admin@test.ru", "admin", kPassword);
  server.AddUser("m1@test.ru", "manager", kPassword, "Менеджер", true);
  std::string token;
  ASSERT_EQ(server.RunCli({"token", "create", "--email", "admin@test.ru", "--name", "shutdown"}, &token), 0);
  token = token.substr(0, token.find('\n'));
  server.Start();
  HttpClient c(server.port());
  c.SetBearer(token);
  ASSERT_EQ(c.Get("/healthz").status, 200);  // connection open before the lock

  auto holder = HoldWriteLock(server, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the lock is taken
  HttpResponse lead;
  auto sent = Clock::now();
  std::thread request([&] {
    lead = c.Post("/api/intake", {{"channel", "site_form"}, {"name", "Поздний Лид"}, {"email", "late@lead.ru"}});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // the lead waits for the lock in the server
  server.SignalTerminate();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Stopped accepting: a new connection is refused while the lead is still being written.
  HttpClient late(server.port());
  EXPECT_EQ(late.Get("/healthz").status, 0);

  request.join();
  double waited = std::chrono::duration<double>(Clock::now() - sent).count();
  holder.join();
  EXPECT_EQ(lead.status, 201) << lead.body;
  EXPECT_GE(waited, 1.5) << "the request was not in flight when SIGTERM arrived";
  EXPECT_EQ(lead.header("connection"), "close");
  EXPECT_EQ(server.Wait(), 0) << server.Log();

  // The acknowledged lead is there after a restart, once.
  server.Start();
  HttpClient after(server.port());
  after.SetBearer(token);
  auto deals = after.Get("/api/deals").json();
  ASSERT_EQ(deals["items"].size(), 1u) << deals.dump();
  EXPECT_NE(deals["items"][0]["title"].get<std::string>().find("Поздний Лид"), std::string::npos) << deals.dump();
  EXPECT_EQ(server.Terminate(), 0) << server.Log();
}

TEST(OpsShutdown, IdleServerStopsAtOnceOnSigterm) {
  ServerProcess server;
  server.Start();
  HttpClient keep_alive(server.port());
  ASSERT_EQ(keep_alive.Get("/healthz").status, 200);  // an idle keep-alive connection stays open
  auto t0 = Clock::now();
  EXPECT_EQ(server.Terminate(), 0) << server.Log();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 5.0);
}

}  // namespace
}  // namespace voronka::testing
