#include "domain/entity.h"


namespace voronka::domain {

const FieldSpec* EntitySpec::Find(std::string_view field) const {
  for (const auto& f : fields)
    if (f.name == field) return &f;
  return nullptr;
}

bool IsTimeField(const FieldSpec& f) { return f.type == FieldType::kTime; }

namespace {
using T = FieldType;

const EntitySpec kTeams{
    "teams", "team",
    {
        {.name = "name", .type = T::kString, .required = true, .sort = true, .search = true},
        {.name = "head_id", .type = T::kRef, .filter = true, .ref = "users"},
        {.name = "parent_id", .type = T::kRef, .filter = true, .ref = "teams"},
    },
    "", ""};

const EntitySpec kUsers{
    "users", "user",
    {
        {.name = "email", .type = T::kString, .required = true, .sort = true, .search = true, .max_len = 254},
        {.name = "name", .type = T::kString, .required = true, .sort = true, .search = true},
        {.name = "role", .type = T::kEnum, .required = true, .filter = true,
         .values = {"admin", "owner", "head", "curator", "manager"}},
        {.name = "position", .type = T::kString, .search = true},
        {.name = "team_id", .type = T::kRef, .filter = true, .ref = "teams"},
        {.name = "phone", .type = T::kString, .max_len = 40},
        {.name = "time_zone", .type = T::kTimeZone, .default_json = "\"Europe/Moscow\""},
        {.name = "locale", .type = T::kEnum, .values = {"ru", "en"}, .default_json = "\"ru\""},
        {.name = "takes_leads", .type = T::kBool, .filter = true, .default_json = "false",
         .description = "receives new incoming leads in turn"},
    },
    "", ""};

const EntitySpec kCompanies{
    "companies", "company",
    {
        {.name = "name", .type = T::kString, .required = true, .sort = true, .search = true},
        {.name = "inn", .type = T::kString, .filter = true, .search = true, .max_len = 12},
        {.name = "phones", .type = T::kPhones, .search = true},
        {.name = "emails", .type = T::kEmails, .search = true},
        {.name = "website", .type = T::kString},
        {.name = "address", .type = T::kString, .max_len = 500},
        {.name = "region", .type = T::kString, .filter = true},
        {.name = "industry", .type = T::kString, .filter = true},
        {.name = "responsible_id", .type = T::kRef, .filter = true, .ref = "users"},
        {.name = "notes", .type = T::kText, .max_len = 10000},
    },
    "responsible_id", ""};

const EntitySpec kContacts{
    "contacts", "contact",
    {
        {.name = "name", .type = T::kString, .required = true, .sort = true, .search = true},
        {.name = "company_id", .type = T::kRef, .filter = true, .ref = "companies"},
        {.name = "position", .type = T::kString, .search = true},
        {.name = "phones", .type = T::kPhones, .search = true},
        {.name = "emails", .type = T::kEmails, .search = true},
        {.name = "time_zone", .type = T::kTimeZone},
        {.name = "responsible_id", .type = T::kRef, .filter = true, .ref = "users"},
        {.name = "notes", .type = T::kText, .max_len = 10000},
        {.name = "consent", .type = T::kBool, .filter = true,
         .description = "agreed to the processing of personal data (true), refused or withdrew (false); null: not asked"},
        {.name = "consent_source", .type = T::kString,
         .description = "where consent was given or withdrawn: site form, paper, call…"},
        {.name = "consent_at", .type = T::kTime, .description = "when consent was given or withdrawn"},
        {.name = "erased_at", .type = T::kTime, .server = true,
         .description = "when the person's data was erased on request (POST /api/contacts/{id}/erase)"},
    },
    "responsible_id", ""};

const EntitySpec kDeals{
    "deals", "deal",
    {
        {.name = "title", .type = T::kString, .required = true, .sort = true, .search = true},
        {.name = "pipeline", .type = T::kString, .filter = true, .max_len = 64,
         .default_json = "\"it_studio\""},
        {.name = "stage", .type = T::kString, .filter = true, .max_len = 64, .default_json = "\"incoming\"",
         .description = "a stage code of the deal's pipeline; changed through POST /api/deals/{id}/move"},
        {.name = "status", .type = T::kEnum, .filter = true, .values = {"open", "won", "lost"},
         .default_json = "\"open\""},
        {.name = "amount", .type = T::kMoney, .sort = true, .min = 0, .max = 1'000'000'000'000'00LL,
         .default_json = "0", .description = "minor units (kopecks)"},
        {.name = "currency", .type = T::kCurrency, .filter = true, .default_json = "\"RUB\""},
        {.name = "channel", .type = T::kEnum, .filter = true,
         .values = {"site_form", "email", "phone", "messenger", "manual", "outbound", "referral"},
         .default_json = "\"manual\""},
        {.name = "product", .type = T::kString, .filter = true, .search = true},
        {.name = "region", .type = T::kString, .filter = true},
        {.name = "responsible_id", .type = T::kRef, .filter = true, .ref = "users"},
        {.name = "contact_id", .type = T::kRef, .filter = true, .ref = "contacts"},
        {.name = "company_id", .type = T::kRef, .filter = true, .ref = "companies"},
        {.name = "score", .type = T::kInt, .sort = true, .min = -15, .max = 15},
        {.name = "segment", .type = T::kEnum, .filter = true, .values = {"A", "B", "C"}},
        {.name = "lost_reason", .type = T::kString, .filter = true},
        {.name = "decision_date", .type = T::kTime, .sort = true},
        {.name = "description", .type = T::kText, .search = true, .max_len = 20000},
        {.name = "members", .type = T::kMembers},
        {.name = "stage_changed_at", .type = T::kTime, .server = true, .sort = true},
        {.name = "closed_at", .type = T::kTime, .server = true, .sort = true},
    },
    "responsible_id", ""};

const EntitySpec kActivities{
    "activities", "activity",
    {
        {.name = "type", .type = T::kEnum, .required = true, .filter = true,
         .values = {"call", "meeting", "email", "note", "visit", "message"}},
        {.name = "deal_id", .type = T::kRef, .filter = true, .ref = "deals"},
        {.name = "contact_id", .type = T::kRef, .filter = true, .ref = "contacts"},
        {.name = "author_id", .type = T::kRef, .server = true, .filter = true, .ref = "users"},
        {.name = "occurred_at", .type = T::kTime, .sort = true},
        {.name = "duration_min", .type = T::kInt, .min = 0, .max = 24 * 60},
        {.name = "goal", .type = T::kString, .search = true, .max_len = 500},
        {.name = "outcome", .type = T::kText, .search = true, .max_len = 5000},
        {.name = "next_step", .type = T::kString, .max_len = 500},
        {.name = "next_step_at", .type = T::kTime, .sort = true},
        {.name = "body", .type = T::kText, .search = true, .max_len = 100000},
    },
    "author_id", "deal_id"};

const EntitySpec kTasks{
    "tasks", "task",
    {
        {.name = "title", .type = T::kString, .required = true, .sort = true, .search = true, .max_len = 500},
        {.name = "deal_id", .type = T::kRef, .filter = true, .ref = "deals"},
        {.name = "assignee_id", .type = T::kRef, .filter = true, .ref = "users"},
        {.name = "author_id", .type = T::kRef, .server = true, .filter = true, .ref = "users"},
        {.name = "due_at", .type = T::kTime, .required = true, .sort = true},
        {.name = "done", .type = T::kBool, .filter = true, .default_json = "false"},
        {.name = "done_at", .type = T::kTime, .server = true, .sort = true},
        {.name = "kind", .type = T::kString, .filter = true, .max_len = 64},
        {.name = "description", .type = T::kText, .search = true, .max_len = 20000},
    },
    "assignee_id", "deal_id"};

}  // namespace

const EntitySpec* FindEntity(std::string_view name) {
  for (const EntitySpec* e : RecordEntities())
    if (e->name == name) return e;
  if (name == "users") return &kUsers;
  return nullptr;
}

const std::vector<const EntitySpec*>& RecordEntities() {
  static const std::vector<const EntitySpec*> all = {&kCompanies, &kContacts, &kDeals, &kActivities, &kTasks, &kTeams};
  return all;
}

const EntitySpec& UsersSpec() { return kUsers; }

}  // namespace voronka::domain
