#pragma once
// The core records (companies, contacts, deals, activities, tasks, teams, users) described
// as data: one spec per entity drives validation, storage columns, filters, sorting,
// search and the OpenAPI schema, so every record gets the same rules.

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace voronka::domain {

enum class FieldType {
  kString,   // one line, up to max_len characters
  kText,     // free text, up to max_len
  kInt,      // integer in [min, max]
  kMoney,    // integer minor units (kopecks), in [min, max]
  kBool,
  kEnum,     // one of values
  kRef,      // id of a record of `ref` (checked to exist)
  kTime,     // ISO 8601 date-time in the API, ms since epoch in storage
  kPhones,   // list of phone numbers, normalised to E.164
  kEmails,   // list of e-mail addresses, lower-cased
  kMembers,  // list of user ids (deal working group), kept in a side table
  kTimeZone, // IANA zone name, e.g. "Europe/Moscow"
  kCurrency, // ISO 4217 code, three capital letters
};

struct FieldSpec {
  std::string_view name;
  FieldType type = FieldType::kString;
  bool required = false;   // must be present (non-null) on create
  bool server = false;     // set by the server only; rejected in request bodies
  bool filter = false;     // usable as ?name=value on lists
  bool sort = false;       // usable as ?sort=name / -name
  bool search = false;     // contributes to full-text-ish search (?q=)
  std::vector<std::string_view> values = {};  // kEnum
  std::string_view ref = {};                  // kRef: entity name, e.g. "users"
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  size_t max_len = 200;
  std::string_view default_json = {};         // value on create when absent
  std::string_view description = {};
};

struct EntitySpec {
  std::string_view name;      // plural, the table and the URL segment: "deals"
  std::string_view singular;  // "deal"
  std::vector<FieldSpec> fields;
  // The field naming the responsible user, used by access rules ("" = none).
  std::string_view owner_field;
  // Field whose value, if set, is a deal the record belongs to (tasks, activities).
  std::string_view deal_field;

  const FieldSpec* Find(std::string_view field) const;
};

// nullptr when there is no such entity.
const EntitySpec* FindEntity(std::string_view name);
// All record entities served by the generic records API, in a stable order.
const std::vector<const EntitySpec*>& RecordEntities();
const EntitySpec& UsersSpec();

bool IsTimeField(const FieldSpec& f);

}  // namespace voronka::domain
