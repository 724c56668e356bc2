#pragma once
// SQLite engine: WAL journal, synchronous=NORMAL (an acknowledged commit survives a
// process crash; only an OS crash may lose the last commits), foreign keys on.
// A pool of connections; write transactions are serialised by an in-process mutex and
// start with BEGIN IMMEDIATE, so they never fail with SQLITE_BUSY on upgrade.

#include <memory>
#include <string>

#include "storage/db.h"

namespace voronka::storage {

std::unique_ptr<Database> OpenSqlite(const std::string& path, const DatabaseOptions& options);

}  // namespace voronka::storage
