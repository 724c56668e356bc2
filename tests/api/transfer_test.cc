// voronka export / import-data: a whole database goes SQLite → PostgreSQL → SQLite and every
// table comes back row for row; the PostgreSQL copy keeps working (ids continue).

#include <fstream>
#include <map>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// table → its rows (each row's JSON text), sorted: the files list rows in id order, and the
// few tables without an id in an order that may depend on the engine's collation.
std::map<std::string, std::vector<std::string>> ReadExport(const std::string& file, json* header) {
  std::ifstream in(file);
  std::map<std::string, std::vector<std::string>> tables;
  std::string line, table;
  bool first = true;
  while (std::getline(in, line)) {
    json v = json::parse(line);
    if (first)
      *header = v, first = false;
    else if (v.is_object() && v.contains("table"))
      table = v["table"], tables[table].push_back("columns " + v["columns"].dump());
    else if (v.is_array())
      tables[table].push_back(line);
  }
  for (auto& [name, rows] : tables) std::sort(rows.begin() + 1, rows.end());
  return tables;
}

TEST(TransferTest, SqliteToPostgresToSqliteKeepsEveryRowOfEveryTable) {
  if (!UsingPostgres()) GTEST_SKIP() << "PostgreSQL only: runs as pg.TransferTest.*";
  ServerProcess pg;  // a fresh PostgreSQL database
  ServerProcess source(pg.dir() + "/source.db"), back(pg.dir() + "/back.db");

  // A lived-in source: the demo company, plus what only the server writes (sessions, tokens,
  // idempotency keys, process log and timers of fresh leads).
  std::string out;
  ASSERT_EQ(source.RunCli({"seed-demo", "--leads", "150"}, &out), 0) << out;
  std::string token;
  ASSERT_EQ(source.RunCli({"token", "create", "--email", "admin@demo.voronka.ru", "--name", "site"}, &token), 0)
      << token;
  token = token.substr(0, token.find('\n'));
  source.Start();
  {
    HttpClient c(source.port());
    c.SetBearer(token);
    for (int i = 0; i < 3; ++i) {
      auto r = c.Post("/api/intake",
                      {{"channel", "site_form"},
                       {"name", "Пётр «Кавычки» " + std::to_string(i)},
                       {"phone", "+7916555000" + std::to_string(i)},
                       {"message", "строка\nвторая \"в кавычках\" \\ ?"}},
                      {{"Idempotency-Key", "t-" + std::to_string(i)}});
      ASSERT_EQ(r.status, 201) << r.body;
    }
  }
  source.Kill();

  std::string a = pg.dir() + "/a.jsonl", b = pg.dir() + "/b.jsonl", c = pg.dir() + "/c.jsonl";
  ASSERT_EQ(source.RunCli({"export", "--out", a}, &out), 0) << out;
  ASSERT_EQ(pg.RunCli({"import-data", "--in", a}, &out), 0) << out;
  ASSERT_EQ(pg.RunCli({"export", "--out", b}, &out), 0) << out;
  ASSERT_EQ(back.RunCli({"import-data", "--in", b}, &out), 0) << out;
  ASSERT_EQ(back.RunCli({"export", "--out", c}, &out), 0) << out;

  json ha, hb, hc;
  auto ta = ReadExport(a, &ha), tb = ReadExport(b, &hb), tc = ReadExport(c, &hc);
  EXPECT_EQ(ha["engine"], "sqlite");
  EXPECT_EQ(hb["engine"], "postgres");
  EXPECT_EQ(ha["schema_version"], hb["schema_version"]);
  ASSERT_GE(ta.size(), 19u);
  for (const char* t :
       {"deals", "contacts", "audit_log", "process_log", "process_timers", "idempotency_keys", "api_tokens"})
    EXPECT_GT(ta[t].size(), 1u) << t << " is empty in the source: the test would prove nothing";
  for (const auto& [table, rows] : ta) {
    EXPECT_EQ(rows, tb[table]) << "table " << table << " differs after SQLite → PostgreSQL";
    EXPECT_EQ(rows, tc[table]) << "table " << table << " differs after SQLite → PostgreSQL → SQLite";
  }
  EXPECT_EQ(ta.size(), tb.size());
  EXPECT_EQ(ta.size(), tc.size());

  // The PostgreSQL copy is a working database: logins, and new ids after the imported ones.
  pg.Start();
  HttpClient http(pg.port());
  http.SetBearer(token);
  auto r = http.Post("/api/intake", {{"channel", "phone"}, {"phone", "+79165550099"}});
  ASSERT_EQ(r.status, 201) << r.body;
  int64_t max_id = 0;
  for (const auto& row : ta["deals"])
    if (row[0] == '[') max_id = std::max(max_id, json::parse(row)[0].get<int64_t>());
  EXPECT_EQ(r.json()["deal"]["id"].get<int64_t>(), max_id + 1);

  // A second import into the now non-empty database is refused and changes nothing.
  EXPECT_NE(pg.RunCli({"import-data", "--in", a}, &out), 0);
  EXPECT_NE(out.find("not empty"), std::string::npos) << out;
}

TEST(TransferTest, TruncatedOrForeignFilesAreRefusedWithTheLine) {
  ServerProcess s;
  std::string file = s.dir() + "/bad.jsonl", out;
  std::ofstream(file) << "{\"voronka_export\":1,\"schema_version\":1}\n";
  EXPECT_NE(s.RunCli({"import-data", "--in", file}, &out), 0);
  EXPECT_NE(out.find("schema version 1"), std::string::npos) << out;

  std::string good = s.dir() + "/good.jsonl";
  ASSERT_EQ(s.RunCli({"export", "--out", good}, &out), 0) << out;
  std::ifstream in(good);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(file) << all.substr(0, all.rfind("{\"end\""));
  ServerProcess empty;
  EXPECT_NE(empty.RunCli({"import-data", "--in", file}, &out), 0);
  EXPECT_NE(out.find("cut short"), std::string::npos) << out;
}

}  // namespace
}  // namespace voronka::testing
