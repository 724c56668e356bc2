#pragma once
// Moving a whole database between engines (SQLite ⇄ PostgreSQL) as JSON lines.
//
// The file, one JSON value per line:
//   {"voronka_export":1,"schema_version":3,"engine":"sqlite"}
//   {"table":"activities","columns":["id","version",…]}      every table, by name
//   [1,1,1732500000000,…]                                      one array per row, in column order:
//   …                                                          null, integers, numbers, strings
//   {"end":true,"tables":19,"rows":12345}                      absent in a truncated file
// Values are what the storage interface returns (JSON columns as their text), so a file reads
// the same whichever engine wrote it, and an export of an import equals the original.

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "storage/db.h"

namespace voronka::storage {

struct TransferReport {
  std::vector<std::pair<std::string, int64_t>> tables;  // name, rows — in file order
  int64_t rows = 0;
};

// Writes every table of `db` (schema_migrations included) from one read snapshot. Throws
// DbError when the database fails and std::ios_base::failure when `out` does.
Result<TransferReport> ExportDatabase(Database& db, std::ostream& out);

// Loads an export into `db` in one write transaction: nothing is kept unless all of it loads.
// `db` is migrated to the export's schema version (kConflict otherwise) and holds no rows but
// its schema_migrations and the shipped pipeline definitions, which the export's replace
// (kConflict naming the first table that has rows). A malformed or truncated file is kInvalid
// with its line number. On PostgreSQL the id sequences continue after the largest id loaded.
Result<TransferReport> ImportDatabase(Database& db, std::istream& in);

}  // namespace voronka::storage
