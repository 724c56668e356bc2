// Import rows: `voronka import` reads a JSON-lines export (storage/transfer) row by row into a
// database. Any file must load whole or be refused with its line number — never crash the
// process or leave half a file behind. There is no CSV importer yet; this is the import path
// that exists. The input is the file after its header line (the harness writes a header with
// this build's schema version, so the fuzzer spends its time on table lines and rows). The
// database is a SQLite file in a temporary directory, made once per process and again after an
// input that loaded.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "storage/db.h"
#include "storage/migrate.h"
#include "storage/transfer.h"

using namespace voronka;

namespace {
std::string path;
std::unique_ptr<storage::Database> db;

void Fresh() {
  db.reset();
  if (path.empty()) {
    char dir[] = "/tmp/voronka-fuzz-XXXXXX";
    if (!mkdtemp(dir)) std::abort();
    path = std::string(dir) + "/import.db";
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  db = storage::OpenDatabase(path, {.pool_size = 1});
  if (!storage::Migrate(*db, 1764000000000).ok()) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!db) Fresh();
  static const std::string header =
      "{\"engine\":\"sqlite\",\"schema_version\":" + std::to_string(storage::LatestSchemaVersion()) +
      ",\"voronka_export\":1}\n";
  std::istringstream in(header + std::string(reinterpret_cast<const char*>(data), size));
  try {
    auto r = storage::ImportDatabase(*db, in);
    if (r.ok()) Fresh();
  } catch (const storage::DbError&) {
    // A row the schema refuses (NOT NULL, a duplicate key): the transaction is rolled back and
    // `voronka import` reports the database's message.
  }
  return 0;
}
