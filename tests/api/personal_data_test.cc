// Personal data on request (152-FZ, GDPR): consent taken at intake, everything about a contact
// exported as a file, and erasure that leaves no personal value anywhere the API can show while
// deals keep their money and stages and the audit keeps the fact of the erasure.

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class PersonalDataTest : public ApiTest {
 protected:
  // A lead from the site form with consent, then a manager's work on it: a second phone, a
  // position and notes on the contact, a call with the person, a task, the deal's amount.
  struct Lead {
    int64_t contact = 0, deal = 0, activity = 0, task = 0;
  };
  Lead MakeLead(HttpClient& m1) {
    Lead lead;
    auto r = m1.Post("/api/intake", {{"channel", "site_form"},
                                     {"name", "Ерофей Тихонравов"},
                                     {"phone", "+7 (916) 555-01-77"},
                                     {"email", "Erofey@Privacy.example"},
                                     {"company", "ООО Приватность"},
                                     {"message", "Ерофей Тихонравов: нужен сайт, звоните после 18:00"},
                                     {"consent", true},
                                     {"consent_source", "site form"}});
    EXPECT_EQ(r.status, 201) << r.body;
    lead.contact = r.json()["contact"]["id"];
    lead.deal = r.json()["deal"]["id"];
    std::string cid = std::to_string(lead.contact), did = std::to_string(lead.deal);
    auto contact = m1.Get("/api/contacts/" + cid).json();
    auto p = m1.Patch("/api/contacts/" + cid, {{"version", contact["version"]},
                                               {"phones", {"+79165550177", "+79165550178"}},
                                               {"position", "Главный технолог"},
                                               {"notes", "Любит рыбалку на Оке"}});
    EXPECT_EQ(p.status, 200) << p.body;
    auto deal = m1.Get("/api/deals/" + did).json();
    p = m1.Patch("/api/deals/" + did, {{"version", deal["version"]}, {"amount", 150000000}});
    EXPECT_EQ(p.status, 200) << p.body;
    auto a = m1.Post("/api/activities", {{"type", "call"}, {"deal_id", lead.deal}, {"contact_id", lead.contact},
                                         {"goal", "Созвон с Тихонравов"},
                                         {"outcome", "Ерофей рассказал о бюджете, жена против"},
                                         {"body", "Перезвонить на 89165550178"}});
    EXPECT_EQ(a.status, 201) << a.body;
    lead.activity = a.json()["id"];
    auto t = m1.Post("/api/tasks", {{"title", "Отправить КП Ерофей Тихонравов"}, {"deal_id", lead.deal},
                                    {"due_at", "2030-01-01T10:00:00Z"},
                                    {"description", "на erofey@privacy.example"}});
    EXPECT_EQ(t.status, 201) << t.body;
    lead.task = t.json()["id"];
    return lead;
  }

  // Everything the API shows about the lead, as one text.
  std::string Everything(HttpClient& c, const Lead& lead) {
    std::string cid = std::to_string(lead.contact), did = std::to_string(lead.deal);
    std::string out;
    for (const std::string& path : std::vector<std::string>{
             "/api/contacts/" + cid, "/api/contacts/" + cid + "/audit", "/api/deals/" + did, "/api/deals/" + did + "/audit",
          "/api/deals/" + did + "/timeline", "/api/deals/" + did + "/process", "/api/activities?deal_id=" + did,
          "/api/activities?contact_id=" + cid, "/api/tasks?deal_id=" + did,
          "/api/activities/" + std::to_string(lead.activity) + "/audit",
          "/api/tasks/" + std::to_string(lead.task) + "/audit", "/api/contacts/" + cid + "/export",
          "/api/notifications", "/api/board"}) {
      auto r = c.Get(path);
      EXPECT_EQ(r.status, 200) << path << ": " << r.body;
      out += path + " " + r.json().dump() + "\n";
    }
    return out;
  }

  static size_t Found(HttpClient& c, const std::string& list, const std::string& q) {
    auto r = c.Get(list + "?q=" + q);
    EXPECT_EQ(r.status, 200) << r.body;
    auto items = r.json()["items"];
    return items.size();
  }
};

// The personal values of the lead, each of which must be gone after erasure.
const std::vector<std::string> kValues = {"Ерофей", "Тихонравов", "+79165550177", "9165550177", "9165550178",
                                          "erofey@privacy.example", "рыбалку", "Главный технолог", "жена против"};

TEST_F(PersonalDataTest, IntakeStoresConsentWithItsSourceAndTime) {
  auto m1 = As("m1@test.ru");
  auto r = m1->Post("/api/intake", {{"channel", "site_form"}, {"name", "Согласный"}, {"phone", "+79165550190"},
                                    {"consent", true}, {"consent_source", "site form"}});
  ASSERT_EQ(r.status, 201) << r.body;
  json contact = r.json()["contact"];
  EXPECT_EQ(contact["consent"], true);
  EXPECT_EQ(contact["consent_source"], "site form");
  ASSERT_TRUE(contact["consent_at"].is_string()) << contact.dump();
  EXPECT_LT(std::abs(ParseIsoForTest(contact["consent_at"].get<std::string>()) - std::time(nullptr)), 300);

  // Without a source the channel is the source; the same person withdrawing is kept too.
  r = m1->Post("/api/intake", {{"channel", "phone"}, {"name", "Звонящий"}, {"phone", "+79165550191"}, {"consent", true}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["contact"]["consent_source"], "phone");
  r = m1->Post("/api/intake", {{"channel", "email"}, {"phone", "+79165550191"}, {"email", "z@privacy.example"},
                               {"consent", false}, {"consent_source", "письмо с отказом"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["contact_created"], false);
  EXPECT_EQ(r.json()["contact"]["consent"], false);
  EXPECT_EQ(r.json()["contact"]["consent_source"], "письмо с отказом");

  // Not asked: null. Wrong types and a source without consent are refused, naming the field.
  r = m1->Post("/api/intake", {{"channel", "phone"}, {"phone", "+79165550192"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(r.json()["contact"]["consent"].is_null());
  r = m1->Post("/api/intake", {{"channel", "phone"}, {"phone", "+79165550193"}, {"consent", "yes"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "consent");
  r = m1->Post("/api/intake", {{"channel", "phone"}, {"phone", "+79165550193"}, {"consent_source", "site form"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "consent_source");

  // The site form's token: the consent it must send lands on the contact.
  auto head = As("head@test.ru");
  auto token = head->Post("/api/tokens", {{"name", "site"}, {"scope", "intake"}});
  ASSERT_EQ(token.status, 201) << token.body;
  auto site = Anonymous();
  site->SetBearer(token.json()["token"].get<std::string>());
  r = site->Post("/api/intake", {{"channel", "site_form"}, {"name", "С сайта"}, {"phone", "+79165550194"},
                                 {"consent", true}, {"consent_source", "site form (https://site.example/)"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto found = head->Get("/api/contacts?q=9165550194").json();
  auto items = found["items"];
  ASSERT_EQ(items.size(), 1u) << found.dump();
  EXPECT_EQ(items[0]["consent"], true);
  EXPECT_EQ(items[0]["consent_source"], "site form (https://site.example/)");
}

TEST_F(PersonalDataTest, ExportHoldsEverythingAboutTheContactAsAFile) {
  auto m1 = As("m1@test.ru");
  Lead lead = MakeLead(*m1);
  std::string path = "/api/contacts/" + std::to_string(lead.contact) + "/export";

  auto head = As("head@test.ru");
  auto r = head->Get(path);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.header("content-disposition").find("attachment"), std::string::npos) << r.header("content-disposition");
  EXPECT_NE(r.header("content-disposition").find(".json"), std::string::npos);
  json doc = r.json();
  EXPECT_EQ(doc["contact"]["name"], "Ерофей Тихонравов");
  EXPECT_EQ(doc["contact"]["phones"], json({"+79165550177", "+79165550178"}));
  EXPECT_EQ(doc["contact"]["emails"], json({"erofey@privacy.example"}));
  EXPECT_EQ(doc["consent"]["given"], true);
  EXPECT_EQ(doc["consent"]["source"], "site form");
  EXPECT_TRUE(doc["consent"]["at"].is_string());
  auto identities = doc["identities"];
  EXPECT_EQ(identities.size(), 3u) << identities.dump();
  EXPECT_EQ(doc["company"]["name"], "ООО Приватность");
  auto deals = doc["deals"];
  ASSERT_EQ(deals.size(), 1u);
  EXPECT_EQ(deals[0]["deal"]["id"], lead.deal);
  EXPECT_EQ(deals[0]["deal"]["amount"], 150000000);
  std::string deal_text = deals[0].dump();
  for (const char* expected : {"жена против", "Перезвонить на 89165550178", "Отправить КП Ерофей Тихонравов",
                               "нужен сайт"})
    EXPECT_NE(deal_text.find(expected), std::string::npos) << expected;
  EXPECT_FALSE(deals[0]["timeline"].empty());
  EXPECT_FALSE(deals[0]["changes"].empty());
  EXPECT_NE(doc["changes"].dump().find("Главный технолог"), std::string::npos);

  // Only an admin or the head of the contact's team; not the manager, the curator or the owner.
  EXPECT_EQ(As("admin@test.ru")->Get(path).status, 200);
  EXPECT_EQ(m1->Get(path).status, 403);
  EXPECT_EQ(As("curator@test.ru")->Get(path).status, 403);
  EXPECT_EQ(As("owner@test.ru")->Get(path).status, 403);
  EXPECT_EQ(head->Get("/api/contacts/999999/export").status, 404);
}

TEST_F(PersonalDataTest, ErasureLeavesNoPersonalValueAnywhereButKeepsMoneyAndTheFactOfIt) {
  auto m1 = As("m1@test.ru");
  Lead lead = MakeLead(*m1);
  std::string cid = std::to_string(lead.contact), did = std::to_string(lead.deal);
  auto head = As("head@test.ru");
  std::string before = Everything(*head, lead);
  for (const auto& v : kValues) ASSERT_NE(before.find(v), std::string::npos) << v << " should be there before";
  ASSERT_EQ(Found(*head, "/api/contacts", "Тихонравов"), 1u);
  json deal_before = head->Get("/api/deals/" + did).json();

  // Refused to the manager; a stale version is refused (someone changed the person meanwhile).
  json contact = head->Get("/api/contacts/" + cid).json();
  EXPECT_EQ(m1->Post("/api/contacts/" + cid + "/erase", {{"version", contact["version"]}}).status, 403);
  EXPECT_EQ(head->Post("/api/contacts/" + cid + "/erase", {{"version", 1}}).status, 409);
  EXPECT_EQ(head->Post("/api/contacts/" + cid + "/erase", json::object()).status, 400);

  auto r = head->Post("/api/contacts/" + cid + "/erase", {{"version", contact["version"]}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["already_erased"], false);
  EXPECT_TRUE(r.json()["contact"]["erased_at"].is_string());
  EXPECT_EQ(r.json()["contact"]["phones"], json::array());
  EXPECT_EQ(r.json()["contact"]["emails"], json::array());

  // Nothing the API shows holds a personal value, for the head or the manager.
  std::string after = Everything(*head, lead);
  for (const auto& v : kValues) EXPECT_EQ(after.find(v), std::string::npos) << v << " is still in:\n" << after;
  std::string manager_view;
  for (const std::string& path : std::vector<std::string>{"/api/contacts/" + cid, "/api/deals/" + did, "/api/deals/" + did + "/timeline",
                                  "/api/contacts/" + cid + "/audit", "/api/deals/" + did + "/audit"})
    manager_view += m1->Get(path).json().dump();
  for (const auto& v : kValues) EXPECT_EQ(manager_view.find(v), std::string::npos) << v;
  for (const std::string& q : std::vector<std::string>{"Тихонравов", "Ерофей", "9165550177", "89165550178", "erofey"}) {
    EXPECT_EQ(Found(*head, "/api/contacts", q), 0u) << q;
    EXPECT_EQ(Found(*head, "/api/deals", q), 0u) << q;
    EXPECT_EQ(Found(*head, "/api/activities", q), 0u) << q;
    EXPECT_EQ(Found(*head, "/api/tasks", q), 0u) << q;
  }

  // The deal keeps its money, stage, status, company and contact link.
  json deal_after = head->Get("/api/deals/" + did).json();
  for (const char* f : {"amount", "currency", "stage", "status", "pipeline", "contact_id", "company_id", "responsible_id"})
    EXPECT_EQ(deal_after[f], deal_before[f]) << f;
  EXPECT_EQ(deal_after["amount"], 150000000);

  // The audit says who erased whom and when.
  auto audit = head->Get("/api/contacts/" + cid + "/audit").json();
  auto entries = audit["items"];
  int erasures = 0;
  for (const auto& e : entries)
    if (e["action"] == "erase") {
      ++erasures;
      EXPECT_EQ(e["user_id"], kHead);
      EXPECT_TRUE(e["at"].is_string());
    }
  EXPECT_EQ(erasures, 1) << audit.dump();

  // Again: the same answer, no second erasure in the audit (idempotent).
  r = head->Post("/api/contacts/" + cid + "/erase", {{"version", contact["version"]}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["already_erased"], true);
  audit = head->Get("/api/contacts/" + cid + "/audit").json();
  entries = audit["items"];
  erasures = 0;
  for (const auto& e : entries) erasures += e["action"] == "erase";
  EXPECT_EQ(erasures, 1);

  // The phone is free again: the person writing in later is a new contact.
  auto again = m1->Post("/api/intake", {{"channel", "phone"}, {"phone", "+79165550177"}});
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json()["contact_created"], true);
  EXPECT_NE(again.json()["contact"]["id"], lead.contact);
}

}  // namespace
}  // namespace voronka::testing
