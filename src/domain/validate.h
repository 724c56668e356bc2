#pragma once
// Validation of request bodies against an EntitySpec. Pure: no storage access, so
// reference existence is checked later by the store.

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "common/result.h"
#include "domain/entity.h"

namespace voronka::domain {

// Normalised values keyed by field, in API order. Representation per type:
// strings as JSON strings (trimmed), ints/money as integers, times as integer ms since
// epoch, phones/emails as arrays of normalised strings, members as arrays of ids, null to clear.
using FieldValues = std::vector<std::pair<const FieldSpec*, nlohmann::json>>;

const nlohmann::json* FindValue(const FieldValues& values, std::string_view field);
void SetValue(FieldValues& values, const FieldSpec* spec, nlohmann::json value);

// A create body: an object of writable fields. Applies defaults, then requires every
// required field. Errors (kInvalid) name the field: unknown, server-set, wrong type,
// out of range, missing.
Result<FieldValues> ValidateCreate(const EntitySpec& spec, const nlohmann::json& body);

// A patch body: "version" (the version the client last saw, required) plus the fields to
// change. *version receives it.
Result<FieldValues> ValidatePatch(const EntitySpec& spec, const nlohmann::json& body, int64_t* version);

// One field's value (exposed for the intake and user handlers).
Result<nlohmann::json> ValidateField(const FieldSpec& field, const nlohmann::json& value);

// Reads "version" from a body (archive/restore). kInvalid when missing or not a positive integer.
Result<int64_t> RequireVersion(const nlohmann::json& body);

}  // namespace voronka::domain
