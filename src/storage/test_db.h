#pragma once
// A migrated database for storage unit tests: a SQLite file in a temporary directory, or,
// when VORONKA_TEST_BACKEND=postgres, a fresh PostgreSQL database (voronka_u_<pid>_<n>) on
// the cluster named by VORONKA_TEST_PG (a libpq connection string; see
// tests/with_postgres.sh), dropped again by the destructor.

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "storage/db.h"
#include "storage/migrate.h"
#include "storage/postgres/pg_db.h"

namespace voronka::storage {

class TestDb {
 public:
  static bool UsingPostgres() {
    const char* backend = std::getenv("VORONKA_TEST_BACKEND");
    return backend && std::string(backend) == "postgres";
  }

  TestDb(bool migrate = true) {
    if (UsingPostgres()) {
      const char* cluster = std::getenv("VORONKA_TEST_PG");
      if (!cluster || !*cluster) throw std::runtime_error("VORONKA_TEST_PG is not set");
      static std::atomic<int> counter{0};
      cluster_ = std::string("postgres:") + cluster;
      pg_name_ = "voronka_u_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
      PgExecOutsideTransaction(cluster_, "CREATE DATABASE " + pg_name_);
      path_ = cluster_ + " dbname=" + pg_name_;  // libpq: the last dbname wins
    } else {
      std::string tmpl = (std::filesystem::temp_directory_path() / "voronka-unit-XXXXXX").string();
      dir_ = mkdtemp(tmpl.data());
      path_ = dir_ + "/test.db";
    }
    db_ = OpenDatabase(path_);
    if (migrate) (void)Migrate(*db_, 1000).value();
  }
  ~TestDb() {
    db_.reset();
    if (!pg_name_.empty()) {
      try {
        PgExecOutsideTransaction(cluster_, "DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
      } catch (const std::exception&) {
      }
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  Database& db() { return *db_; }
  // The address OpenDatabase takes: a file path or "postgres:<conninfo>".
  const std::string& path() const { return path_; }
  void Reopen() {
    db_.reset();
    db_ = OpenDatabase(path_);
  }

 private:
  std::string dir_, path_, cluster_, pg_name_;
  std::unique_ptr<Database> db_;
};

}  // namespace voronka::storage
