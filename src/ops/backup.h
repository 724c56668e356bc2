#pragma once
// Backups of a live database and their restore.
//
// SQLite: the online backup API (sqlite3_backup_*) copies every page in one step under a read
// transaction, so the copy is the database as of one commit, while the server goes on writing
// (WAL: readers never block the writer). The copy is written to FILE.tmp, checked with
// PRAGMA integrity_check and renamed to FILE, so FILE is either complete or absent.
// PostgreSQL: `pg_dump --format=custom` (one snapshot, also while serving) into FILE; restore
// runs `pg_restore --clean --if-exists --no-owner --single-transaction`. pg_dump/pg_restore
// come from the PostgreSQL client package (postgresql-client-15) and must match the server's
// major version or be newer.
//
// Scheduled backups (`voronka serve --backup-dir D --backup-every 6h --backup-keep 14`) write
// D/voronka-YYYYMMDDTHHMMSSZ.db (SQLite) or .pgdump and delete the oldest beyond --backup-keep.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"

namespace voronka::ops {

struct BackupReport {
  std::string file;
  uint64_t bytes = 0;
  double seconds = 0;
};

// Copies the database at `db_url` to `out_file` (replaced if it exists). kUnavailable with
// the reason when the source cannot be read or the copy fails its integrity check.
Result<BackupReport> BackupDatabase(const std::string& db_url, const std::string& out_file);

// Replaces the database at `db_url` with the backup `in_file`. SQLite: refuses (kConflict) a
// target file that exists unless `force`; stop the server first. The backup is checked
// (integrity_check) before anything is overwritten.
Status RestoreDatabase(const std::string& db_url, const std::string& in_file, bool force);

// "90s", "30m", "6h", "1d" → seconds; kInvalid otherwise.
Result<int64_t> ParseInterval(const std::string& text);

// The backups in `dir` written by the scheduler, oldest first.
std::vector<std::string> ListBackups(const std::string& dir);

// Takes a backup every `every_s` seconds (the first one after `every_s`) and keeps the newest
// `keep`. Failures are logged and retried at the next interval.
class BackupScheduler {
 public:
  BackupScheduler(std::string db_url, std::string dir, int64_t every_s, int keep);
  ~BackupScheduler();  // Stop()
  void Start();
  void Stop();  // waits for a backup in progress to finish
  // One backup and pruning now (what each interval does); returns the file written.
  Result<BackupReport> RunOnce();

 private:
  std::string db_url_, dir_;
  int64_t every_s_;
  int keep_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace voronka::ops
