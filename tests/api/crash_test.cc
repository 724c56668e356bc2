// Durability: leads acknowledged with a 2xx survive a SIGKILL of the server, and retries
// with the same Idempotency-Key after the restart never duplicate a lead.

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

TEST(CrashTest, AcknowledgedLeadsSurviveKillAndRetriesDoNotDuplicate) {
  ServerProcess server;
  server.AddUser("admin@test.ru", "admin", kPassword, "Админ");
  server.AddUser("m1@test.ru", "manager", kPassword, "Менеджер", true);
  std::string token;
  ASSERT_EQ(server.RunCli({"token", "create", "--email", "admin@test.ru", "--name", "crash"}, &token), 0);
  token = token.substr(0, token.find('\n'));

  constexpr int kLeads = 2000;
  std::map<int, int64_t> acked;  // lead number → deal id
  std::mt19937 rng(std::random_device{}());
  int next = 0;
  for (int round = 0; round < 2 && next < kLeads; ++round) {
    server.Start();
    std::atomic<bool> killed{false};
    int kill_after_ms = std::uniform_int_distribution<int>(200, 1200)(rng);
    std::thread killer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
      server.Kill();
      killed = true;
    });
    HttpClient c(server.port());
    c.SetBearer(token);
    while (next < kLeads) {
      json lead = {{"channel", "site_form"}, {"name", "Лид " + std::to_string(next)},
                   {"email", "lead" + std::to_string(next) + "@crash.ru"}};
      auto r = c.Post("/api/intake", lead, {{"Idempotency-Key", "lead-" + std::to_string(next)}});
      if (r.status == 0) break;  // the server is gone: this lead was not acknowledged
      ASSERT_EQ(r.status, 201) << r.body;
      acked[next] = r.json()["deal"]["id"].get<int64_t>();
      ++next;
    }
    killer.join();
  }

  // Restart; retry everything from the start with the same keys, as a client would.
  server.Start();
  HttpClient c(server.port());
  c.SetBearer(token);
  for (int i = 0; i < kLeads; ++i) {
    json lead = {{"channel", "site_form"}, {"name", "Лид " + std::to_string(i)},
                 {"email", "lead" + std::to_string(i) + "@crash.ru"}};
    auto r = c.Post("/api/intake", lead, {{"Idempotency-Key", "lead-" + std::to_string(i)}});
    ASSERT_EQ(r.status, 201) << r.body;
    int64_t id = r.json()["deal"]["id"].get<int64_t>();
    if (acked.count(i)) {
      EXPECT_EQ(id, acked[i]) << "lead " << i << " acknowledged before the crash came back different";
      EXPECT_EQ(r.header("idempotent-replayed"), "true");
    }
  }
  // Exactly one deal per lead: none lost, none duplicated.
  int total = 0;
  std::string cursor;
  std::set<std::string> titles;
  do {
    auto page = c.Get("/api/deals?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor)).json();
    for (auto& d : page["items"]) titles.insert(d["title"].get<std::string>()), ++total;
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
  } while (!cursor.empty());
  EXPECT_EQ(total, kLeads);
  EXPECT_EQ(titles.size(), size_t(kLeads));
  EXPECT_GT(acked.size(), 0u);
}

}  // namespace
}  // namespace voronka::testing
