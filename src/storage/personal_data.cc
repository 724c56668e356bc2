#include "storage/personal_data.h"

#include <algorithm>
#include <map>

#include "common/time.h"
#include "domain/entity.h"

namespace voronka::storage {

using domain::EntitySpec;
using domain::FieldType;
using nlohmann::json;

namespace {

// The contact fields that describe the person (consent and the responsible user do not).
const char* kPersonalFields[] = {"name", "position", "phones", "emails", "notes"};

bool IsPersonalField(std::string_view field) {
  for (const char* f : kPersonalFields)
    if (field == f) return true;
  return false;
}

const EntitySpec& Spec(std::string_view name) { return *domain::FindEntity(name); }

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string PhoneDigits(std::string_view s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d.push_back(c);
  return d;
}

std::string IdList(const std::vector<int64_t>& ids) {
  std::string s;
  for (auto id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s;
}

std::vector<int64_t> Ids(Tx& tx, const std::string& sql, const std::vector<Value>& params = {}) {
  std::vector<int64_t> out;
  for (const auto& r : tx.Query(sql, params)) out.push_back(r.Int(0));
  return out;
}

std::vector<json> Records(Tx& tx, std::string_view entity, const std::vector<int64_t>& ids, TimeMs now) {
  std::vector<json> out;
  for (int64_t id : ids)
    if (auto r = GetRecord(tx, Spec(entity), id, now); r.ok()) out.push_back(r.value());
  return out;
}

// A stored text that may be JSON (process log effects, outbox payloads): parsed and redacted
// value by value, so that a value never breaks the document's keys; otherwise as plain text.
std::string RedactStored(const std::string& text, const std::vector<std::string>& values) {
  json doc = json::parse(text, nullptr, false);
  if (!doc.is_discarded() && (doc.is_object() || doc.is_array())) {
    json redacted = RedactJson(doc, values);
    return redacted == doc ? text : redacted.dump();  // unchanged: the stored text as it was
  }
  return RedactText(text, values);
}

void AddValues(std::set<std::string>& out, const json& v, bool words) {
  if (v.is_array()) {
    for (const auto& e : v) AddValues(out, e, words);
    return;
  }
  if (!v.is_string()) return;
  std::string s = v.get<std::string>();
  if (Utf8Length(s) >= 3) out.insert(s);
  if (words) {
    size_t pos = 0;
    while (pos < s.size()) {
      size_t end = s.find_first_of(" \t\n,.;:()\"", pos);
      if (end == std::string::npos) end = s.size();
      std::string w = s.substr(pos, end - pos);
      if (Utf8Length(w) >= 3) out.insert(w);
      pos = end + 1;
    }
  }
}

// Updates the given text columns of a record, bumps its version (a client holding the old text
// cannot write it back) and rebuilds its search text. Returns whether anything changed.
bool RewriteRecord(Tx& tx, const EntitySpec& spec, int64_t id, const std::map<std::string, Value>& columns,
                   TimeMs now) {
  if (columns.empty()) return false;
  std::string sets = "version = version + 1, updated_at = ?";
  std::vector<Value> params = {now};
  for (const auto& [col, v] : columns) {
    sets += ", " + col + " = ?";
    params.push_back(v);
  }
  params.push_back(id);
  tx.Exec("UPDATE " + std::string(spec.name) + " SET " + sets + " WHERE id = ?", params);
  auto record = GetRecord(tx, spec, id, now);
  if (!record.ok()) return true;
  std::map<std::string, json> fields;
  for (auto& [k, v] : record.value().items()) fields[k] = v;
  tx.Exec("UPDATE " + std::string(spec.name) + " SET search_text = ? WHERE id = ?", {RecordSearchText(spec, fields), id});
  return true;
}

// Redacts every one-line and free-text column of the records; `clear` columns lose their text
// entirely (kErased) when they hold any.
int64_t RedactRecords(Tx& tx, const EntitySpec& spec, const std::vector<int64_t>& ids,
                      const std::vector<std::string>& values, const std::vector<std::string>& clear, TimeMs now) {
  if (ids.empty()) return 0;
  std::vector<std::string> cols;
  for (const auto& f : spec.fields)
    if (f.type == FieldType::kString || f.type == FieldType::kText) cols.push_back(std::string(f.name));
  if (spec.name == "deals") cols.push_back("process_state");
  std::string select = "id";
  for (const auto& c : cols) select += ", " + c;
  int64_t changed = 0;
  for (const auto& row : tx.Query("SELECT " + select + " FROM " + std::string(spec.name) + " WHERE id IN (" + IdList(ids) + ")")) {
    std::map<std::string, Value> update;
    for (size_t i = 0; i < cols.size(); ++i) {
      if (row.IsNull(i + 1)) continue;
      std::string before = row.Text(i + 1);
      bool wipe = std::find(clear.begin(), clear.end(), cols[i]) != clear.end();
      std::string after = wipe ? std::string(kErased)
                               : (cols[i] == "process_state" ? RedactStored(before, values) : RedactText(before, values));
      if (after != before) update[cols[i]] = after;
    }
    if (RewriteRecord(tx, spec, row.Int(0), update, now)) ++changed;
  }
  return changed;
}

// Rewrites the audit entries of some records: values redacted, and the `whole` fields' old and
// new values (the contact's personal fields, the free text of activities with the person)
// replaced whole — in change entries and in the snapshots of created records.
int64_t RedactAudit(Tx& tx, std::string_view entity, const std::vector<int64_t>& ids,
                    const std::vector<std::string>& values, const std::vector<std::string>& whole_fields) {
  auto is_whole = [&](const std::string& f) {
    return std::find(whole_fields.begin(), whole_fields.end(), f) != whole_fields.end();
  };
  if (ids.empty()) return 0;
  int64_t changed = 0;
  auto rows = tx.Query("SELECT id, field, old_value, new_value FROM audit_log WHERE entity = ? AND entity_id IN (" +
                           IdList(ids) + ")",
                       {std::string(entity)});
  for (const auto& r : rows) {
    bool whole = !r.IsNull(1) && is_whole(r.Text(1));
    std::vector<Value> params;
    bool differs = false;
    for (size_t col : {size_t(2), size_t(3)}) {
      if (r.IsNull(col)) {
        params.push_back(Null());
        continue;
      }
      std::string before = r.Text(col);
      const json original = json::parse(before, nullptr, false);
      json doc = original;
      if (whole) {
        doc = doc.is_array() ? json::array({kErased}) : json(kErased);
      } else if (!doc.is_discarded()) {
        if (doc.is_object())
          for (const auto& f : whole_fields)
            if (doc.contains(f) && !doc[f].is_null()) doc[f] = doc[f].is_array() ? json::array() : json(kErased);
        doc = RedactJson(doc, values);
      }
      std::string after = doc.is_discarded() ? RedactText(before, values) : (doc == original ? before : doc.dump());
      differs = differs || after != before;
      params.push_back(after);
    }
    if (!differs) continue;
    params.push_back(r.Int(0));
    tx.Exec("UPDATE audit_log SET old_value = ?, new_value = ? WHERE id = ?", params);
    ++changed;
  }
  return changed;
}

// Plain text columns of side tables tied to the deals (timeline, notifications, deviations,
// outbox): every value redacted.
void RedactDealSideTables(Tx& tx, const std::vector<int64_t>& deals, const std::vector<std::string>& values) {
  if (deals.empty()) return;
  struct Table {
    const char* name;
    std::vector<const char*> cols;
  } tables[] = {{"process_log", {"event", "effect", "event_data"}},
                {"notifications", {"message_ru", "message_en"}},
                {"deviations", {"message_ru", "message_en"}},
                {"outbox", {"payload", "last_error"}}};
  for (const auto& t : tables) {
    std::string select = "id";
    for (const char* c : t.cols) select += std::string(", ") + c;
    for (const auto& row : tx.Query("SELECT " + select + " FROM " + t.name + " WHERE deal_id IN (" + IdList(deals) + ")")) {
      std::string sets;
      std::vector<Value> params;
      for (size_t i = 0; i < t.cols.size(); ++i) {
        if (row.IsNull(i + 1)) continue;
        std::string before = row.Text(i + 1);
        std::string after = RedactStored(before, values);
        if (after == before) continue;
        sets += std::string(sets.empty() ? "" : ", ") + t.cols[i] + " = ?";
        params.push_back(after);
      }
      if (sets.empty()) continue;
      params.push_back(row.Int(0));
      tx.Exec(std::string("UPDATE ") + t.name + " SET " + sets + " WHERE id = ?", params);
    }
  }
}

std::string EscapeLike(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<std::string> PersonalValues(const json& contact) {
  std::set<std::string> found;
  if (!contact.is_object()) return {};
  for (const char* f : kPersonalFields) {
    auto it = contact.find(f);
    if (it == contact.end()) continue;
    AddValues(found, *it, std::string_view(f) == "name");
    if (std::string_view(f) == "phones" && it->is_array())
      for (const auto& p : *it) {
        if (!p.is_string()) continue;
        // As the search text and people write them: bare digits, Russian numbers with trunk 8.
        std::string digits = PhoneDigits(p.get<std::string>());
        if (digits.size() >= 3) found.insert(digits);
        if (digits.size() == 11 && digits[0] == '7') found.insert("8" + digits.substr(1));
      }
  }
  found.erase(kErased);
  std::vector<std::string> out(found.begin(), found.end());
  std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

std::string RedactText(std::string text, const std::vector<std::string>& values) {
  const std::string replacement = kErased;
  for (const auto& v : values) {
    if (v.empty()) continue;
    for (size_t pos = 0; (pos = text.find(v, pos)) != std::string::npos; pos += replacement.size())
      text.replace(pos, v.size(), replacement);
  }
  return text;
}

json RedactJson(const json& doc, const std::vector<std::string>& values) {
  if (doc.is_string()) return RedactText(doc.get<std::string>(), values);
  if (doc.is_array()) {
    json out = json::array();
    for (const auto& e : doc) out.push_back(RedactJson(e, values));
    return out;
  }
  if (doc.is_object()) {
    json out = json::object();
    for (auto& [k, v] : doc.items()) out[k] = RedactJson(v, values);
    return out;
  }
  return doc;
}

Result<json> ExportContactData(Tx& tx, int64_t contact_id, TimeMs now) {
  auto contact = GetRecord(tx, Spec("contacts"), contact_id, now);
  if (!contact.ok()) return contact.error();
  const json& c = contact.value();
  json doc = {{"format", "voronka-personal-data/1"},
              {"exported_at", FormatIso(now)},
              {"contact", c},
              {"consent", {{"given", c["consent"]}, {"source", c["consent_source"]}, {"at", c["consent_at"]}}}};
  json identities = json::array();
  for (const auto& r : tx.Query("SELECT kind, value FROM contact_identities WHERE contact_id = ? ORDER BY kind, value",
                                {contact_id}))
    identities.push_back({{"kind", r.Text(0)}, {"value", r.Text(1)}});
  doc["identities"] = identities;
  doc["company"] = nullptr;
  if (c["company_id"].is_number_integer())
    if (auto company = GetRecord(tx, Spec("companies"), c["company_id"].get<int64_t>(), now); company.ok())
      doc["company"] = company.value();

  auto deal_ids = Ids(tx, "SELECT id FROM deals WHERE contact_id = ? ORDER BY id", {contact_id});
  json deals = json::array();
  for (int64_t id : deal_ids) {
    auto deal = GetRecord(tx, Spec("deals"), id, now);
    if (!deal.ok()) continue;
    json timeline = json::array();
    for (const auto& r : tx.Query("SELECT at, event, effect FROM process_log WHERE deal_id = ? ORDER BY id", {id}))
      timeline.push_back({{"at", FormatIso(r.Int(0))}, {"event", r.Text(1)}, {"text", r.Text(2)}});
    deals.push_back(
        {{"deal", deal.value()},
         {"activities", Records(tx, "activities", Ids(tx, "SELECT id FROM activities WHERE deal_id = ? ORDER BY id", {id}), now)},
         {"tasks", Records(tx, "tasks", Ids(tx, "SELECT id FROM tasks WHERE deal_id = ? ORDER BY id", {id}), now)},
         {"timeline", timeline},
         {"changes", AuditTrail(tx, "deals", id)}});
  }
  doc["deals"] = deals;
  std::string outside = deal_ids.empty() ? "" : " AND (deal_id IS NULL OR deal_id NOT IN (" + IdList(deal_ids) + "))";
  doc["activities"] = Records(
      tx, "activities", Ids(tx, "SELECT id FROM activities WHERE contact_id = ?" + outside + " ORDER BY id", {contact_id}), now);
  doc["changes"] = AuditTrail(tx, "contacts", contact_id);
  return doc;
}

Result<ErasureReport> EraseContact(Tx& tx, int64_t contact_id, const Actor& actor) {
  const EntitySpec& contacts = Spec("contacts");
  auto current = GetRecord(tx, contacts, contact_id, actor.now);
  if (!current.ok()) return current.error();
  ErasureReport report;
  if (!current.value()["erased_at"].is_null()) {
    report.contact = current.value();
    report.already_erased = true;
    return report;
  }

  // Every value the person ever had here: now, in the contact's history, in its identities.
  std::set<std::string> found;
  auto collect = [&](const json& snapshot) {
    for (const auto& v : PersonalValues(snapshot)) found.insert(v);
  };
  collect(current.value());
  for (const auto& r : tx.Query("SELECT field, old_value, new_value FROM audit_log WHERE entity = 'contacts' AND "
                                "entity_id = ?",
                                {contact_id})) {
    for (size_t col : {size_t(1), size_t(2)}) {
      if (r.IsNull(col)) continue;
      json v = json::parse(r.Text(col), nullptr, false);
      if (v.is_discarded()) continue;
      if (r.IsNull(0)) collect(v);                       // a whole record (create)
      else if (IsPersonalField(r.Text(0))) collect({{r.Text(0), v}});
    }
  }
  json identities = {{"phones", json::array()}, {"emails", json::array()}};
  for (const auto& r : tx.Query("SELECT kind, value FROM contact_identities WHERE contact_id = ?", {contact_id}))
    identities[r.Text(0) == "phone" ? "phones" : "emails"].push_back(r.Text(1));
  collect(identities);
  std::vector<std::string> values(found.begin(), found.end());
  std::stable_sort(values.begin(), values.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });

  auto deals = Ids(tx, "SELECT id FROM deals WHERE contact_id = ?", {contact_id});
  std::string in_deals = deals.empty() ? "" : " OR deal_id IN (" + IdList(deals) + ")";
  auto with_contact = Ids(tx, "SELECT id FROM activities WHERE contact_id = ?", {contact_id});
  auto other_activities =
      Ids(tx, "SELECT id FROM activities WHERE (contact_id IS NULL OR contact_id <> ?) AND (1 = 0" + in_deals + ")",
          {contact_id});
  auto tasks = deals.empty() ? std::vector<int64_t>{} : Ids(tx, "SELECT id FROM tasks WHERE deal_id IN (" + IdList(deals) + ")");

  // The contact: the record stays (deals point at it), the person goes.
  RewriteRecord(tx, contacts, contact_id,
                {{"name", std::string(kErased)}, {"position", Null()}, {"phones", std::string("[]")},
                 {"emails", std::string("[]")}, {"notes", Null()}, {"erased_at", actor.now}},
                actor.now);
  tx.Exec("DELETE FROM contact_identities WHERE contact_id = ?", {contact_id});

  report.deals = RedactRecords(tx, Spec("deals"), deals, values, {}, actor.now);
  report.activities = RedactRecords(tx, Spec("activities"), with_contact, values, {"body", "outcome"}, actor.now) +
                      RedactRecords(tx, Spec("activities"), other_activities, values, {}, actor.now);
  report.tasks = RedactRecords(tx, Spec("tasks"), tasks, values, {}, actor.now);
  RedactDealSideTables(tx, deals, values);

  std::vector<std::string> personal(std::begin(kPersonalFields), std::end(kPersonalFields));
  report.audit_entries = RedactAudit(tx, "contacts", {contact_id}, values, personal) +
                         RedactAudit(tx, "deals", deals, values, {}) +
                         RedactAudit(tx, "activities", with_contact, values, {"body", "outcome"}) +
                         RedactAudit(tx, "activities", other_activities, values, {}) +
                         RedactAudit(tx, "tasks", tasks, values, {});

  // A stored answer to a retried request could hand the values back (intake answers hold the contact).
  for (const auto& v : values)
    if (Utf8Length(v) >= 6)
      tx.Exec("DELETE FROM idempotency_keys WHERE response LIKE ? ESCAPE '\\'", {"%" + EscapeLike(v) + "%"});

  AppendAudit(tx, actor, "contacts", contact_id, "erase", std::nullopt, nullptr,
              {{"deals", report.deals}, {"activities", report.activities}, {"tasks", report.tasks},
               {"audit_entries", report.audit_entries}});
  report.contact = GetRecord(tx, contacts, contact_id, actor.now).value();
  return report;
}

}  // namespace voronka::storage
