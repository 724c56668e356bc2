// Upgrades: a database made by every earlier schema version, holding data written the way that
// version wrote it, is migrated to the current schema and serves those records unchanged.

#include <regex>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

std::string Sql(const ServerProcess& server, const std::string& sql) {
  std::string out;
  if (UsingPostgres()) {
    EXPECT_EQ(RunPsql(server.pg_conninfo(), sql, &out), 0) << out << "\n" << sql;
  } else {
    std::string quoted;
    for (char ch : sql) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    FILE* p = popen(("sqlite3 -batch '" + server.db_path() + "' '" + quoted + "' 2>&1").c_str(), "r");
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << out << "\n" << sql;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

int SchemaVersionOf(const std::string& migrate_output) {
  std::smatch m;
  if (!std::regex_search(migrate_output, m, std::regex("schema is at version (\\d+)"))) return -1;
  return std::stoi(m[1]);
}

// The records every version since 1 has tables and columns for, inserted without ids (as the
// server would, so sequences stay right) and referring to each other by natural keys.
std::string OldRecords(const std::string& password_hash, const std::string& token_hash) {
  const std::string t = "1700000000000";
  const std::string uid = "(SELECT id FROM users WHERE email = 'old@test.ru')";
  const std::string cid = "(SELECT id FROM contacts WHERE name = 'Пётр Давний')";
  const std::string did = "(SELECT id FROM deals WHERE title = 'Сайт для Давнего')";
  return "INSERT INTO teams (created_at, updated_at, name) VALUES (" + t + ", " + t + ", 'Старые продажи');"
         "INSERT INTO users (created_at, updated_at, email, name, role, team_id, takes_leads, password_hash) VALUES (" +
         t + ", " + t + ", 'old@test.ru', 'Старый Менеджер', 'manager', (SELECT id FROM teams), 1, '" + password_hash +
         "');"
         "INSERT INTO companies (created_at, updated_at, name, responsible_id) VALUES (" + t + ", " + t +
         ", 'ООО Давнее', " + uid + ");"
         "INSERT INTO contacts (created_at, updated_at, name, company_id, phones, responsible_id) VALUES (" + t + ", " +
         t + ", 'Пётр Давний', (SELECT id FROM companies), '[\"+79031112233\"]', " + uid + ");"
         "INSERT INTO contact_identities (kind, value, contact_id) VALUES ('phone', '+79031112233', " + cid + ");"
         "INSERT INTO deals (created_at, updated_at, title, pipeline, stage, amount, responsible_id, contact_id, "
         "company_id, channel) VALUES (" + t + ", " + t + ", 'Сайт для Давнего', 'it_studio', 'contact', 12345600, " +
         uid + ", " + cid + ", (SELECT id FROM companies), 'phone');"
         "INSERT INTO activities (created_at, updated_at, type, deal_id, contact_id, author_id, occurred_at, body) "
         "VALUES (" + t + ", " + t + ", 'call', " + did + ", " + cid + ", " + uid + ", " + t + ", 'Обсудили бюджет');"
         "INSERT INTO tasks (created_at, updated_at, title, deal_id, assignee_id, author_id, due_at) VALUES (" + t +
         ", " + t + ", 'Перезвонить Петру', " + did + ", " + uid + ", " + uid + ", 1900000000000);"
         "INSERT INTO api_tokens (name, token_hash, user_id, created_at) VALUES ('old integration', '" + token_hash +
         "', " + uid + ", " + t + ");";
}

TEST(Upgrade, EveryEarlierSchemaVersionWithDataMigratesToTheCurrentOne) {
  // A password hash and a token as the current build makes them (the formats never changed).
  ServerProcess scratch;
  scratch.AddUser("old@test.ru", "manager", kPassword);
  std::string token, out;
  ASSERT_EQ(scratch.RunCli({"token", "create", "--email", "old@test.ru", "--name", "x"}, &token), 0) << token;
  token = token.substr(0, token.find('\n'));
  std::string password_hash = Sql(scratch, "SELECT password_hash FROM users");
  std::string token_hash = Sql(scratch, "SELECT token_hash FROM api_tokens");
  ASSERT_EQ(scratch.RunCli({"migrate"}, &out), 0) << out;
  int latest = SchemaVersionOf(out);
  ASSERT_GE(latest, 2);

  for (int from = 1; from < latest; ++from) {
    SCOPED_TRACE("from schema version " + std::to_string(from));
    ServerProcess server;
    ASSERT_EQ(server.RunCli({"migrate", "--to-version", std::to_string(from)}, &out), 0) << out;
    ASSERT_EQ(SchemaVersionOf(out), from) << out;
    Sql(server, OldRecords(password_hash, token_hash));
    int64_t deal = std::stoll(Sql(server, "SELECT id FROM deals"));
    int64_t contact = std::stoll(Sql(server, "SELECT id FROM contacts"));

    ASSERT_EQ(server.RunCli({"migrate"}, &out), 0) << out;
    EXPECT_EQ(SchemaVersionOf(out), latest) << out;
    server.Start({"--no-migrate"});
    HttpClient c(server.port());
    EXPECT_EQ(c.Get("/readyz").json()["schema_version"], latest);
    ASSERT_EQ(c.Login("old@test.ru", kPassword), 200) << "the old password hash no longer logs in";

    auto d = c.Get("/api/deals/" + std::to_string(deal));
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(d.json()["title"], "Сайт для Давнего");
    EXPECT_EQ(d.json()["amount"], 12345600);
    EXPECT_EQ(d.json()["stage"], "contact");
    EXPECT_EQ(d.json()["status"], "open");
    auto process = c.Get("/api/deals/" + std::to_string(deal) + "/process");
    EXPECT_LT(process.status, 500) << process.body;
    auto ct = c.Get("/api/contacts/" + std::to_string(contact));
    ASSERT_EQ(ct.status, 200) << ct.body;
    EXPECT_EQ(ct.json()["phones"], json::array({"+79031112233"}));
    auto tasks = c.Get("/api/tasks?deal_id=" + std::to_string(deal)).json();
    ASSERT_EQ(tasks["items"].size(), 1u) << tasks.dump();
    EXPECT_EQ(tasks["items"][0]["title"], "Перезвонить Петру");
    auto acts = c.Get("/api/activities?deal_id=" + std::to_string(deal)).json();
    ASSERT_GE(acts["items"].size(), 1u) << acts.dump();

    // The old integration token still works, and a new lead from the same phone finds the old contact.
    HttpClient integration(server.port());
    integration.SetBearer(token);
    EXPECT_EQ(integration.Get("/api/auth/me").json()["user"]["email"], "old@test.ru");
    auto lead = integration.Post("/api/intake", {{"channel", "phone"}, {"name", "Пётр"}, {"phone", "+7 903 111-22-33"}});
    ASSERT_EQ(lead.status, 201) << lead.body;
    EXPECT_EQ(lead.json()["contact"]["id"], contact);
    EXPECT_EQ(lead.json()["contact_created"], false);
    EXPECT_GT(lead.json()["deal"]["id"].get<int64_t>(), deal);
  }
}

}  // namespace
}  // namespace voronka::testing
