#include "storage/records.h"

#include <sodium.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/text.h"

namespace voronka::storage {

using domain::EntitySpec;
using domain::FieldSpec;
using domain::FieldType;
using domain::FieldValues;
using nlohmann::json;

namespace {

constexpr int64_t kNullSortInt = INT64_MIN;

bool Stored(const FieldSpec& f) { return f.type != FieldType::kMembers; }
bool HasMembers(const EntitySpec& spec) {
  return std::any_of(spec.fields.begin(), spec.fields.end(),
                     [](const FieldSpec& f) { return f.type == FieldType::kMembers; });
}
bool IsTextual(const FieldSpec& f) {
  switch (f.type) {
    case FieldType::kString: case FieldType::kText: case FieldType::kEnum:
    case FieldType::kTimeZone: case FieldType::kCurrency: return true;
    default: return false;
  }
}

std::string SelectList(const EntitySpec& spec) {
  std::string s = "id, version, created_at, updated_at, archived";
  for (const auto& f : spec.fields)
    if (Stored(f)) s += ", " + std::string(f.name);
  return s;
}

// API JSON (validated form) → column value.
Value ToDb(const FieldSpec& f, const json& v) {
  if (v.is_null()) return Null();
  switch (f.type) {
    case FieldType::kBool: return int64_t(v.get<bool>() ? 1 : 0);
    case FieldType::kInt: case FieldType::kMoney: case FieldType::kRef: case FieldType::kTime:
      return v.get<int64_t>();
    case FieldType::kPhones: case FieldType::kEmails: return v.dump();
    default: return v.get<std::string>();
  }
}

// Column value → API JSON.
json FromDb(const FieldSpec& f, const Row& row, size_t i) {
  if (row.IsNull(i)) {
    if (f.type == FieldType::kPhones || f.type == FieldType::kEmails) return json::array();
    return nullptr;
  }
  switch (f.type) {
    case FieldType::kBool: return row.Int(i) != 0;
    case FieldType::kInt: case FieldType::kMoney: case FieldType::kRef: return row.Int(i);
    case FieldType::kTime: return FormatIso(row.Int(i));
    case FieldType::kPhones: case FieldType::kEmails: {
      auto parsed = json::parse(row.Text(i), nullptr, false);
      return parsed.is_array() ? parsed : json::array();
    }
    default: return row.Text(i);
  }
}

// Validated value → API JSON (times as ISO strings), for audit entries.
json ToApi(const FieldSpec& f, const json& v) {
  if (f.type == FieldType::kTime && v.is_number_integer()) return FormatIso(v.get<int64_t>());
  return v;
}

json RowToJson(const EntitySpec& spec, const Row& row, TimeMs now) {
  json out = {{"id", row.Int(0)},
              {"version", row.Int(1)},
              {"created_at", FormatIso(row.Int(2))},
              {"updated_at", FormatIso(row.Int(3))},
              {"archived", row.Int(4) != 0}};
  size_t i = 5;
  for (const auto& f : spec.fields) {
    if (!Stored(f)) continue;
    out[std::string(f.name)] = FromDb(f, row, i++);
  }
  if (spec.name == "tasks") {
    bool done = out["done"].get<bool>();
    auto due = ParseIso(out["due_at"].get<std::string>());
    out["overdue"] = !done && due && *due < now;
  }
  return out;
}

std::string Base64Url(std::string_view in) {
  std::string out(sodium_base64_encoded_len(in.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(in.data()), in.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}
std::optional<std::string> FromBase64Url(std::string_view in) {
  std::string out(in.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(), in.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

std::string IdList(const std::vector<int64_t>& ids) {
  std::string s;
  for (auto id : ids) {
    if (!s.empty()) s += ",";
    s += std::to_string(id);
  }
  return s;
}

std::string DealScopeSql(const std::vector<int64_t>& users) {
  std::string s = IdList(users);
  return "(responsible_id IN (" + s + ") OR id IN (SELECT deal_id FROM deal_members WHERE user_id IN (" + s + ")))";
}

// SQL condition restricting `spec`'s rows to the scope; "" when unrestricted.
std::string ScopeSql(const EntitySpec& spec, const Scope& scope) {
  if (!scope) return "";
  if (spec.name == "users" || spec.name == "teams") return "";
  if (scope->empty()) return "1=0";
  std::string s = IdList(*scope);
  std::string deals = DealScopeSql(*scope);
  if (spec.name == "deals") return deals;
  if (spec.name == "contacts" || spec.name == "companies") {
    std::string col = spec.name == "contacts" ? "contact_id" : "company_id";
    return "(responsible_id IN (" + s + ") OR id IN (SELECT " + col + " FROM deals WHERE " + deals + " AND " + col +
           " IS NOT NULL))";
  }
  if (spec.name == "tasks")
    return "(assignee_id IN (" + s + ") OR author_id IN (" + s + ") OR deal_id IN (SELECT id FROM deals WHERE " +
           deals + "))";
  if (spec.name == "activities")
    return "(author_id IN (" + s + ") OR deal_id IN (SELECT id FROM deals WHERE " + deals + "))";
  return "1=0";
}

std::string PhoneDigits(std::string_view s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d.push_back(c);
  return d;
}

// Folded words of the searchable fields; phones also as bare digits.
std::string SearchText(const EntitySpec& spec, const std::map<std::string, json>& record) {
  std::string text;
  for (const auto& f : spec.fields) {
    if (!f.search) continue;
    auto it = record.find(std::string(f.name));
    if (it == record.end() || it->second.is_null()) continue;
    const json& v = it->second;
    if (v.is_string()) {
      text += v.get<std::string>() + " ";
    } else if (v.is_array()) {
      for (const auto& e : v) {
        if (!e.is_string()) continue;
        text += e.get<std::string>() + " ";
        if (f.type == FieldType::kPhones) {
          // Bare digits, and for Russian numbers the national form with trunk prefix 8,
          // so "8 903 555" and "7903555" both find +79035551234.
          std::string digits = PhoneDigits(e.get<std::string>());
          text += digits + " ";
          if (digits.size() == 11 && digits[0] == '7') text += "8" + digits.substr(1) + " ";
        }
      }
    }
  }
  return FoldCase(text);
}

std::string EscapeLike(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> SearchWords(std::string_view q) {
  std::vector<std::string> words;
  std::string folded = FoldCase(Trim(q));
  // A phone-looking query ("8 (916) 123-45", "+7 916") is matched as bare digits.
  bool phone_like = !folded.empty() && std::all_of(folded.begin(), folded.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '(' || c == ')' || c == '+';
  });
  if (phone_like) {
    std::string d = PhoneDigits(folded);
    if (!d.empty()) return {d};
  }
  size_t pos = 0;
  while (pos < folded.size() && words.size() < 8) {
    size_t end = folded.find(' ', pos);
    if (end == std::string::npos) end = folded.size();
    if (end > pos) words.push_back(folded.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

Status CheckRefs(Tx& tx, const EntitySpec& spec, const FieldValues& values) {
  for (const auto& [f, v] : values) {
    if (v.is_null()) continue;
    if (f->type == FieldType::kRef) {
      auto rows = tx.Query("SELECT 1 FROM " + std::string(f->ref) + " WHERE id = ?", {v.get<int64_t>()});
      if (rows.empty())
        return Error::Unprocessable(std::string(f->name), std::string(f->name) + " " + std::to_string(v.get<int64_t>()) +
                                                               ": no such " + std::string(domain::FindEntity(f->ref)->singular));
    } else if (f->type == FieldType::kMembers) {
      for (const auto& id : v) {
        auto rows = tx.Query("SELECT 1 FROM users WHERE id = ? AND archived = 0", {id.get<int64_t>()});
        if (rows.empty())
          return Error::Unprocessable(std::string(f->name), std::string(f->name) + ": no active user with id " +
                                                                std::to_string(id.get<int64_t>()));
      }
    }
  }
  (void)spec;
  return Status::Ok();
}

// Contacts own their normalised phones and e-mails exclusively.
Status CheckIdentities(Tx& tx, const FieldValues& values, int64_t self_id) {
  for (const auto& [f, v] : values) {
    if ((f->type != FieldType::kPhones && f->type != FieldType::kEmails) || !v.is_array()) continue;
    std::string kind = f->type == FieldType::kPhones ? "phone" : "email";
    for (const auto& e : v) {
      auto rows = tx.Query(
          "SELECT ci.contact_id, c.name FROM contact_identities ci JOIN contacts c ON c.id = ci.contact_id "
          "WHERE ci.kind = ? AND ci.value = ? AND ci.contact_id <> ?",
          {kind, e.get<std::string>(), self_id});
      if (!rows.empty()) {
        Error err = Error::Conflict(kind + " " + e.get<std::string>() + " already belongs to contact " +
                                    std::to_string(rows[0].Int(0)) + " (" + rows[0].Text(1) + ")");
        err.field = std::string(f->name);
        err.extra = {{"existing_contact_id", rows[0].Int(0)}};
        return err;
      }
    }
  }
  return Status::Ok();
}

void WriteIdentities(Tx& tx, const FieldValues& values, int64_t contact_id) {
  for (const auto& [f, v] : values) {
    if (f->type != FieldType::kPhones && f->type != FieldType::kEmails) continue;
    std::string kind = f->type == FieldType::kPhones ? "phone" : "email";
    tx.Exec("DELETE FROM contact_identities WHERE contact_id = ? AND kind = ?", {contact_id, kind});
    if (!v.is_array()) continue;
    for (const auto& e : v)
      tx.Exec("INSERT INTO contact_identities (kind, value, contact_id) VALUES (?, ?, ?)",
              {kind, e.get<std::string>(), contact_id});
  }
}

std::vector<int64_t> LoadMembers(Tx& tx, int64_t deal_id) {
  std::vector<int64_t> ids;
  for (const auto& r : tx.Query("SELECT user_id FROM deal_members WHERE deal_id = ? ORDER BY user_id", {deal_id}))
    ids.push_back(r.Int(0));
  return ids;
}

void WriteMembers(Tx& tx, int64_t deal_id, const json& members) {
  tx.Exec("DELETE FROM deal_members WHERE deal_id = ?", {deal_id});
  if (!members.is_array()) return;
  for (const auto& id : members)
    tx.Exec("INSERT INTO deal_members (deal_id, user_id) VALUES (?, ?)", {deal_id, id.get<int64_t>()});
}

// Server-maintained fields that follow from the client's change.
void DeriveFields(const EntitySpec& spec, FieldValues& values, const std::map<std::string, json>* before,
                  TimeMs now) {
  auto changed = [&](std::string_view name) {
    const json* v = domain::FindValue(values, name);
    if (!v) return false;
    if (!before) return true;
    auto it = before->find(std::string(name));
    return it == before->end() || it->second != *v;
  };
  if (spec.name == "deals") {
    if (changed("stage")) domain::SetValue(values, spec.Find("stage_changed_at"), now);
    if (changed("status")) {
      const json* status = domain::FindValue(values, "status");
      domain::SetValue(values, spec.Find("closed_at"), *status == "open" ? json(nullptr) : json(now));
    }
  } else if (spec.name == "tasks") {
    if (changed("done")) {
      const json* done = domain::FindValue(values, "done");
      domain::SetValue(values, spec.Find("done_at"), done->get<bool>() ? json(now) : json(nullptr));
    }
  } else if (spec.name == "activities") {
    if (!before && !domain::FindValue(values, "occurred_at")) domain::SetValue(values, spec.Find("occurred_at"), now);
  }
}

// The stored record as validated-form values (times as ms), for diffing.
std::map<std::string, json> LoadRaw(Tx& tx, const EntitySpec& spec, int64_t id, int64_t* version) {
  std::map<std::string, json> out;
  auto rows = tx.Query("SELECT " + SelectList(spec) + " FROM " + std::string(spec.name) + " WHERE id = ?", {id});
  if (rows.empty()) return out;
  const Row& row = rows[0];
  *version = row.Int(1);
  size_t i = 5;
  for (const auto& f : spec.fields) {
    if (!Stored(f)) continue;
    json v = FromDb(f, row, i);
    if (f.type == FieldType::kTime && !row.IsNull(i)) v = row.Int(i);
    out[std::string(f.name)] = v;
    ++i;
  }
  if (HasMembers(spec)) out["members"] = LoadMembers(tx, id);
  return out;
}

}  // namespace

std::string RecordSearchText(const EntitySpec& spec, const std::map<std::string, json>& record) {
  return SearchText(spec, record);
}

const char* const kAuditColumns = "at, user_id, entity, entity_id, action, field, old_value, new_value";

std::vector<Value> AuditRow(const Actor& actor, std::string_view entity, int64_t id, std::string_view action,
                            std::optional<std::string> field, const json& old_value, const json& new_value) {
  return {actor.now, OptInt(actor.user_id), std::string(entity), id, std::string(action), OptText(field),
          old_value.is_null() ? Null() : Value(old_value.dump()), new_value.is_null() ? Null() : Value(new_value.dump())};
}

void AppendAudit(Tx& tx, const Actor& actor, std::string_view entity, int64_t id, std::string_view action,
                 std::optional<std::string> field, const json& old_value, const json& new_value) {
  static const std::string sql = "INSERT INTO audit_log (" + std::string(kAuditColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  tx.Exec(sql,
          AuditRow(actor, entity, id, action, std::move(field), old_value, new_value));
}

Result<json> GetRecord(Tx& tx, const EntitySpec& spec, int64_t id, TimeMs now) {
  auto rows = tx.Query("SELECT " + SelectList(spec) + " FROM " + std::string(spec.name) + " WHERE id = ?", {id});
  if (rows.empty()) return Error::NotFound("no " + std::string(spec.singular) + " with id " + std::to_string(id));
  json out = RowToJson(spec, rows[0], now);
  if (HasMembers(spec)) out["members"] = LoadMembers(tx, id);
  return out;
}

Result<json> CreateRecord(Tx& tx, const EntitySpec& spec, const FieldValues& input, const Actor& actor) {
  FieldValues values = input;
  if (auto st = CheckRefs(tx, spec, values); !st.ok()) return st.error();
  if (spec.name == "contacts")
    if (auto st = CheckIdentities(tx, values, 0); !st.ok()) return st.error();
  DeriveFields(spec, values, nullptr, actor.now);
  if (spec.name == "deals" && !domain::FindValue(values, "stage_changed_at"))
    domain::SetValue(values, spec.Find("stage_changed_at"), actor.now);

  std::map<std::string, json> record;
  for (const auto& [f, v] : values) record[std::string(f->name)] = v;

  std::string cols = "version, created_at, updated_at, archived, search_text";
  std::string marks = "1, ?, ?, 0, ?";
  std::vector<Value> params = {actor.now, actor.now, SearchText(spec, record)};
  for (const auto& [f, v] : values) {
    if (!Stored(*f)) continue;
    cols += ", " + std::string(f->name);
    marks += ", ?";
    params.push_back(ToDb(*f, v));
  }
  auto rows = tx.Query("INSERT INTO " + std::string(spec.name) + " (" + cols + ") VALUES (" + marks + ") RETURNING id",
                       params);
  int64_t id = rows[0].Int(0);
  if (spec.name == "contacts") WriteIdentities(tx, values, id);
  if (const json* m = domain::FindValue(values, "members"); m && HasMembers(spec)) WriteMembers(tx, id, *m);

  // The new record as GetRecord would return it, built from what was written (no re-read).
  json created = {{"id", id},
                  {"version", 1},
                  {"created_at", FormatIso(actor.now)},
                  {"updated_at", FormatIso(actor.now)},
                  {"archived", false}};
  for (const auto& f : spec.fields) {
    const json* v = domain::FindValue(values, f.name);
    if (v && !v->is_null()) created[std::string(f.name)] = ToApi(f, *v);
    else if (f.type == FieldType::kPhones || f.type == FieldType::kEmails || f.type == FieldType::kMembers)
      created[std::string(f.name)] = json::array();
    else created[std::string(f.name)] = nullptr;
  }
  if (HasMembers(spec) && created["members"].is_array()) {
    std::vector<int64_t> ids = created["members"].get<std::vector<int64_t>>();
    std::sort(ids.begin(), ids.end());
    created["members"] = ids;
  }
  if (spec.name == "tasks") {
    bool done = created["done"].is_boolean() && created["done"].get<bool>();
    auto due = ParseIso(created["due_at"].get<std::string>());
    created["overdue"] = !done && due && *due < actor.now;
  }
  AppendAudit(tx, actor, spec.name, id, "create", std::nullopt, nullptr, created);
  return created;
}

Result<json> UpdateRecord(Tx& tx, const EntitySpec& spec, int64_t id, int64_t version, const FieldValues& input,
                          const Actor& actor) {
  int64_t current_version = 0;
  auto before = LoadRaw(tx, spec, id, &current_version);
  if (before.empty()) return Error::NotFound("no " + std::string(spec.singular) + " with id " + std::to_string(id));
  if (current_version != version) {
    Error err = Error::Conflict(std::string(spec.singular) + " " + std::to_string(id) + " was changed by someone else (version " +
                                std::to_string(current_version) + ", you sent " + std::to_string(version) +
                                "); reload and apply your change again");
    err.extra = {{"current", GetRecord(tx, spec, id, actor.now).value()}};
    return err;
  }
  FieldValues values;
  for (const auto& [f, v] : input) {
    json normalized = v;
    if (f->type == FieldType::kMembers && v.is_array()) {
      std::vector<int64_t> ids = v.get<std::vector<int64_t>>();
      std::sort(ids.begin(), ids.end());
      normalized = ids;
    }
    auto it = before.find(std::string(f->name));
    if (it != before.end() && it->second == normalized) continue;
    values.emplace_back(f, normalized);
  }
  if (values.empty()) return GetRecord(tx, spec, id, actor.now);
  if (auto st = CheckRefs(tx, spec, values); !st.ok()) return st.error();
  if (spec.name == "contacts")
    if (auto st = CheckIdentities(tx, values, id); !st.ok()) return st.error();
  DeriveFields(spec, values, &before, actor.now);

  std::map<std::string, json> after = before;
  for (const auto& [f, v] : values) after[std::string(f->name)] = v;

  std::string sets = "version = version + 1, updated_at = ?, search_text = ?";
  std::vector<Value> params = {actor.now, SearchText(spec, after)};
  for (const auto& [f, v] : values) {
    if (!Stored(*f)) continue;
    sets += ", " + std::string(f->name) + " = ?";
    params.push_back(ToDb(*f, v));
  }
  params.push_back(id);
  params.push_back(version);
  int64_t n = tx.Exec("UPDATE " + std::string(spec.name) + " SET " + sets + " WHERE id = ? AND version = ?", params);
  if (n == 0) return Error::Conflict(std::string(spec.singular) + " " + std::to_string(id) + " was changed concurrently");
  if (spec.name == "contacts") WriteIdentities(tx, values, id);
  if (const json* m = domain::FindValue(values, "members"); m && HasMembers(spec)) WriteMembers(tx, id, *m);

  for (const auto& [f, v] : values) {
    if (f->server && f->type == FieldType::kTime) continue;  // follows from the audited change
    auto it = before.find(std::string(f->name));
    json old_v = it == before.end() ? json(nullptr) : ToApi(*f, it->second);
    AppendAudit(tx, actor, spec.name, id, "update", std::string(f->name), old_v, ToApi(*f, v));
  }
  return GetRecord(tx, spec, id, actor.now);
}

Result<json> SetArchived(Tx& tx, const EntitySpec& spec, int64_t id, int64_t version, bool archived,
                         const Actor& actor) {
  auto current = GetRecord(tx, spec, id, actor.now);
  if (!current.ok()) return current.error();
  if (current.value()["version"].get<int64_t>() != version) {
    Error err = Error::Conflict(std::string(spec.singular) + " " + std::to_string(id) + " was changed by someone else (version " +
                                std::to_string(current.value()["version"].get<int64_t>()) + ", you sent " +
                                std::to_string(version) + "); reload and try again");
    err.extra = {{"current", current.value()}};
    return err;
  }
  if (current.value()["archived"].get<bool>() == archived) return current;
  tx.Exec("UPDATE " + std::string(spec.name) + " SET archived = ?, version = version + 1, updated_at = ? WHERE id = ?",
          {int64_t(archived ? 1 : 0), actor.now, id});
  AppendAudit(tx, actor, spec.name, id, archived ? "archive" : "restore", std::nullopt, nullptr, nullptr);
  return GetRecord(tx, spec, id, actor.now);
}

Result<Page> ListRecords(Tx& tx, const EntitySpec& spec, const ListQuery& q, const Scope& scope, TimeMs now) {
  std::string where;
  std::vector<Value> params;
  auto add = [&](const std::string& cond) { where += (where.empty() ? " WHERE " : " AND ") + cond; };

  if (q.archived == ArchivedFilter::kActive) add("archived = 0");
  if (q.archived == ArchivedFilter::kArchived) add("archived = 1");
  for (const auto& [f, v] : q.filters) {
    std::string col(f->name);
    if (v.is_null()) {
      add(col + " IS NULL");
    } else if (v.is_array()) {
      std::string marks;
      for (const auto& e : v) {
        marks += marks.empty() ? "?" : ", ?";
        params.push_back(ToDb(*f, e));
      }
      add(col + " IN (" + marks + ")");
    } else {
      add(col + " = ?");
      params.push_back(ToDb(*f, v));
    }
  }
  for (const auto& w : SearchWords(q.q)) {
    add("search_text LIKE ? ESCAPE '\\'");
    params.push_back("%" + EscapeLike(w) + "%");
  }
  if (q.created_from) add("created_at >= ?"), params.push_back(*q.created_from);
  if (q.created_to) add("created_at < ?"), params.push_back(*q.created_to);
  if (spec.Find("due_at")) {
    if (q.due_from) add("due_at >= ?"), params.push_back(*q.due_from);
    if (q.due_to) add("due_at < ?"), params.push_back(*q.due_to);
  }
  if (auto s = ScopeSql(spec, scope); !s.empty()) add(s);

  // Keyset pagination on (sort expression, id).
  std::string sort_expr = "id";
  bool textual = false;
  if (q.sort) {
    textual = IsTextual(*q.sort);
    sort_expr = textual ? "COALESCE(" + std::string(q.sort->name) + ", '')"
                        : "COALESCE(" + std::string(q.sort->name) + ", " + std::to_string(kNullSortInt) + ")";
  }
  const char* cmp = q.desc ? "<" : ">";
  if (!q.cursor.empty()) {
    auto raw = FromBase64Url(q.cursor);
    json c = raw ? json::parse(*raw, nullptr, false) : json();
    if (!c.is_array() || c.size() != 2 || !c[1].is_number_integer() ||
        (textual ? !c[0].is_string() : !c[0].is_number_integer()))
      return Error::Invalid("cursor", "cursor is not valid for this list and sort order; start again without it");
    if (q.sort) {
      add("(" + sort_expr + " " + cmp + " ? OR (" + sort_expr + " = ? AND id " + cmp + " ?))");
      Value key = textual ? Value(c[0].get<std::string>()) : Value(c[0].get<int64_t>());
      params.push_back(key);
      params.push_back(key);
    } else {
      add(std::string("id ") + cmp + " ?");
    }
    params.push_back(c[1].get<int64_t>());
  }
  std::string dir = q.desc ? " DESC" : " ASC";
  std::string order = q.sort ? sort_expr + dir + ", id" + dir : "id" + dir;
  std::string sql = "SELECT " + SelectList(spec) + (q.sort ? ", " + sort_expr : std::string(", id")) + " FROM " +
                    std::string(spec.name) + where + " ORDER BY " + order + " LIMIT " + std::to_string(q.limit + 1);
  auto rows = tx.Query(sql, params);

  Page page;
  size_t n = std::min(rows.size(), size_t(q.limit));
  for (size_t i = 0; i < n; ++i) page.items.push_back(RowToJson(spec, rows[i], now));
  if (HasMembers(spec) && !page.items.empty()) {
    std::vector<int64_t> ids;
    for (const auto& it : page.items) ids.push_back(it["id"].get<int64_t>());
    std::map<int64_t, json> members;
    for (const auto& r : tx.Query("SELECT deal_id, user_id FROM deal_members WHERE deal_id IN (" + IdList(ids) +
                                  ") ORDER BY user_id"))
      members[r.Int(0)].push_back(r.Int(1));
    for (auto& it : page.items) {
      auto m = members.find(it["id"].get<int64_t>());
      it["members"] = m == members.end() ? json::array() : m->second;
    }
  }
  if (rows.size() > size_t(q.limit) && n > 0) {
    const Row& last = rows[n - 1];
    size_t key_col = last.values.size() - 1;
    json key = textual ? json(last.Text(key_col)) : json(last.Int(key_col));
    page.next_cursor = Base64Url(json::array({key, last.Int(0)}).dump());
  }
  return page;
}

bool IsVisible(Tx& tx, const EntitySpec& spec, int64_t id, const Scope& scope) {
  std::string cond = ScopeSql(spec, scope);
  std::string sql = "SELECT 1 FROM " + std::string(spec.name) + " WHERE id = ?" + (cond.empty() ? "" : " AND " + cond);
  return !tx.Query(sql, {id}).empty();
}

std::vector<json> AuditTrail(Tx& tx, std::string_view entity, int64_t id) {
  std::vector<json> out;
  auto rows = tx.Query(
      "SELECT a.id, a.at, a.user_id, u.name, a.action, a.field, a.old_value, a.new_value FROM audit_log a "
      "LEFT JOIN users u ON u.id = a.user_id WHERE a.entity = ? AND a.entity_id = ? ORDER BY a.id",
      {std::string(entity), id});
  for (const auto& r : rows) {
    json e = {{"id", r.Int(0)}, {"at", FormatIso(r.Int(1))}, {"user_id", r.IsNull(2) ? json(nullptr) : json(r.Int(2))},
              {"user_name", r.IsNull(3) ? json(nullptr) : json(r.Text(3))}, {"action", r.Text(4)},
              {"field", r.IsNull(5) ? json(nullptr) : json(r.Text(5))}};
    e["old"] = r.IsNull(6) ? json(nullptr) : json::parse(r.Text(6), nullptr, false);
    e["new"] = r.IsNull(7) ? json(nullptr) : json::parse(r.Text(7), nullptr, false);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace voronka::storage
