#pragma once
// Generic storage of the core records described by domain::EntitySpec: one table per
// entity with a column per field, plus version, timestamps, archive flag, a folded
// search_text and an append-only audit_log row for every change.
//
// Every function works inside the caller's transaction and leaves committing to it.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/entity.h"
#include "domain/validate.h"
#include "storage/db.h"

namespace voronka::storage {

// Users whose records may be seen; nullopt = all (see domain::ReadScope).
using Scope = std::optional<std::vector<int64_t>>;

struct Actor {
  std::optional<int64_t> user_id;  // who makes the change (audit); nullopt = the system
  TimeMs now = 0;
};

enum class ArchivedFilter { kActive, kArchived, kAll };

struct ListQuery {
  // Equality filters; a JSON array value means "any of".
  domain::FieldValues filters;
  std::string q;                       // search words, all must match
  const domain::FieldSpec* sort = nullptr;  // nullptr: by id
  bool desc = true;
  int limit = 50;
  std::string cursor;                  // from a previous page's next_cursor
  ArchivedFilter archived = ArchivedFilter::kActive;
  std::optional<TimeMs> created_from, created_to;
  // Only for specs with a "due_at" field: due_at in [due_from, due_to).
  std::optional<TimeMs> due_from, due_to;
};

struct Page {
  std::vector<nlohmann::json> items;
  std::optional<std::string> next_cursor;  // absent on the last page
};

// Creates a record. kUnprocessable if a reference names a missing record; kConflict if a
// contact's phone or e-mail already belongs to another contact (extra: existing_contact_id).
Result<nlohmann::json> CreateRecord(Tx& tx, const domain::EntitySpec& spec, const domain::FieldValues& values,
                                    const Actor& actor);

// kNotFound if no record has this id.
Result<nlohmann::json> GetRecord(Tx& tx, const domain::EntitySpec& spec, int64_t id, TimeMs now);

// Changes the given fields if `version` is current. kConflict (extra: "current" record) on
// a stale version; kNotFound; kUnprocessable for a missing reference. Unchanged values are
// not audited; a patch that changes nothing still returns the record without a new version.
Result<nlohmann::json> UpdateRecord(Tx& tx, const domain::EntitySpec& spec, int64_t id, int64_t version,
                                    const domain::FieldValues& values, const Actor& actor);

// Archives (or restores) a record, with the same version rule as UpdateRecord.
Result<nlohmann::json> SetArchived(Tx& tx, const domain::EntitySpec& spec, int64_t id, int64_t version,
                                   bool archived, const Actor& actor);

// kInvalid for a malformed cursor.
Result<Page> ListRecords(Tx& tx, const domain::EntitySpec& spec, const ListQuery& query, const Scope& scope,
                         TimeMs now);

// Is the record within scope? (false also when it does not exist)
bool IsVisible(Tx& tx, const domain::EntitySpec& spec, int64_t id, const Scope& scope);

// The record's audit trail, oldest first.
std::vector<nlohmann::json> AuditTrail(Tx& tx, std::string_view entity, int64_t id);

// The folded words a record is found by (its searchable fields; phones also as digits).
std::string RecordSearchText(const domain::EntitySpec& spec, const std::map<std::string, nlohmann::json>& record);

void AppendAudit(Tx& tx, const Actor& actor, std::string_view entity, int64_t id, std::string_view action,
                 std::optional<std::string> field, const nlohmann::json& old_value, const nlohmann::json& new_value);
// The audit_log row AppendAudit writes, for writers that insert many at once: its values in
// the order of kAuditColumns.
extern const char* const kAuditColumns;
std::vector<Value> AuditRow(const Actor& actor, std::string_view entity, int64_t id, std::string_view action,
                            std::optional<std::string> field, const nlohmann::json& old_value,
                            const nlohmann::json& new_value);

}  // namespace voronka::storage
