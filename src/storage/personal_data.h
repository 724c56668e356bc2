#pragma once
// A person's data on request (152-FZ, GDPR): everything held about one contact as one JSON
// document, and erasure — the contact's personal values taken out of every record, search
// text, timeline and audit entry that holds them, while deals keep their money, stages and
// history, and the audit log records that (and by whom) the erasure happened.
//
// Both work inside the caller's transaction and leave committing to it; access is the caller's.

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/db.h"
#include "storage/records.h"

namespace voronka::storage {

// What replaces an erased value wherever it stood.
inline constexpr const char* kErased = "[erased]";

// The document for the person: the contact (with consent), its phone/e-mail identities, the
// company it works for, every deal where it is the contact with that deal's activities, tasks,
// process timeline and change history, activities recorded with the contact outside those
// deals, and the contact's own change history. kNotFound if no contact has this id.
Result<nlohmann::json> ExportContactData(Tx& tx, int64_t contact_id, TimeMs now);

struct ErasureReport {
  nlohmann::json contact;     // the contact after erasure
  bool already_erased = false;  // nothing was done: erased before (the call is idempotent)
  int64_t deals = 0, activities = 0, tasks = 0, audit_entries = 0;
};

// Erases the contact's personal data: name (becomes kErased), position, phones, e-mails,
// notes and identities are cleared; the free text of activities recorded with the contact
// (body, outcome) is cleared; every value the contact ever held (current or in its audit
// history) is replaced by kErased in its deals (title, description, process state), their
// activities, tasks, timeline, notifications, deviations and outbox, in every audit entry of
// those records, and search texts are rebuilt; stored idempotent answers that hold a value are
// dropped. Deals keep amount, currency, stage and status; consent fields stay (the record of the
// lawful basis). Appends one "erase" audit entry on the contact (who, when). A contact erased
// before is returned unchanged with already_erased. kNotFound if no contact has this id.
Result<ErasureReport> EraseContact(Tx& tx, int64_t contact_id, const Actor& actor);

// Pure helpers (exposed for tests).
// The personal values to hunt for, longest first, from the contact's values: name and its
// words of 3+ characters, position, notes, phones (also as bare digits and with trunk 8),
// e-mails. Values shorter than 3 characters are left out (they would match everywhere).
std::vector<std::string> PersonalValues(const nlohmann::json& contact_values);
// `text` with every occurrence of every value replaced by kErased.
std::string RedactText(std::string text, const std::vector<std::string>& values);
// Every string inside `doc` (keys left alone) redacted.
nlohmann::json RedactJson(const nlohmann::json& doc, const std::vector<std::string>& values);

}  // namespace voronka::storage
