#pragma once
// A migrated SQLite database in a temporary directory, for storage unit tests.

#include <filesystem>
#include <memory>
#include <string>

#include "storage/db.h"
#include "storage/migrate.h"

namespace voronka::storage {

class TestDb {
 public:
  TestDb(bool migrate = true) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "voronka-unit-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    path_ = dir_ + "/test.db";
    db_ = OpenDatabase(path_);
    if (migrate) (void)Migrate(*db_, 1000).value();
  }
  ~TestDb() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Database& db() { return *db_; }
  const std::string& path() const { return path_; }
  void Reopen() {
    db_.reset();
    db_ = OpenDatabase(path_);
  }

 private:
  std::string dir_, path_;
  std::unique_ptr<Database> db_;
};

}  // namespace voronka::storage
