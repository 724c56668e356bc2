#include "ops/backup.h"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "storage/postgres/pg_db.h"

namespace voronka::ops {

namespace fs = std::filesystem;

namespace {

std::string SqlitePath(const std::string& url) { return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url; }

struct SqliteHandle {
  sqlite3* db = nullptr;
  ~SqliteHandle() { sqlite3_close(db); }
};

std::string Errmsg(sqlite3* db, int rc) { return db ? sqlite3_errmsg(db) : sqlite3_errstr(rc); }

// Copies every page of `from` into `to` in one step (a consistent snapshot of `from`).
Status CopyPages(sqlite3* from, sqlite3* to) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) return Error{Code::kUnavailable, "backup: " + std::string(sqlite3_errmsg(to)), "", nullptr};
  int rc;
  // -1: all pages at once under one read transaction; on BUSY/LOCKED (a checkpoint holding a
  // lock for a moment) wait and try again.
  for (int attempt = 0; (rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED; ++attempt) {
    if (attempt > 200) break;
    sqlite3_sleep(50);
  }
  int fin = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE)
    return Error{Code::kUnavailable, "backup step failed: " + std::string(sqlite3_errstr(rc)), "", nullptr};
  if (fin != SQLITE_OK) return Error{Code::kUnavailable, "backup failed: " + Errmsg(to, fin), "", nullptr};
  return Status::Ok();
}

Status IntegrityCheck(sqlite3* db, const std::string& name) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) != SQLITE_OK)
    return Error{Code::kUnavailable, name + ": " + sqlite3_errmsg(db), "", nullptr};
  std::string verdict;
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    verdict += (verdict.empty() ? "" : "; ") + std::string(t ? t : "");
  }
  sqlite3_finalize(st);
  if (verdict != "ok") return Error{Code::kUnavailable, name + " fails integrity_check: " + verdict, "", nullptr};
  return Status::Ok();
}

Status OpenSqlite(const std::string& path, int flags, SqliteHandle& h) {
  int rc = sqlite3_open_v2(path.c_str(), &h.db, flags, nullptr);
  if (rc != SQLITE_OK) return Error{Code::kUnavailable, "cannot open " + path + ": " + Errmsg(h.db, rc), "", nullptr};
  sqlite3_busy_timeout(h.db, 10000);
  return Status::Ok();
}

// Runs argv (no shell); returns the exit code and the combined output.
int Run(const std::vector<std::string>& argv, std::string* output) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipefd[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) output->append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Debian installs the client tools per version; prefer the newest on this machine.
std::string PgTool(const std::string& name) {
  for (const char* v : {"17", "16", "15"}) {
    std::string p = std::string("/usr/lib/postgresql/") + v + "/bin/" + name;
    if (fs::exists(p)) return p;
  }
  return name;
}

std::string UtcStamp() {
  auto now = std::chrono::system_clock::now();
  time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

Result<BackupReport> BackupDatabase(const std::string& db_url, const std::string& out_file) {
  auto started = std::chrono::steady_clock::now();
  std::string tmp = out_file + ".tmp";
  fs::remove(tmp);
  if (storage::IsPostgresUrl(db_url)) {
    std::string output;
    int rc = Run({PgTool("pg_dump"), "--format=custom", "--no-owner", "--file", tmp, "--dbname",
                  storage::PgConnInfo(db_url)},
                 &output);
    if (rc != 0) {
      fs::remove(tmp);
      return Error{Code::kUnavailable, "pg_dump failed (exit " + std::to_string(rc) + "): " + output, "", nullptr};
    }
  } else {
    std::string path = SqlitePath(db_url);
    if (!fs::exists(path)) return Error{Code::kNotFound, "no SQLite database at " + path, "", nullptr};
    SqliteHandle src, dst;
    if (auto s = OpenSqlite(path, SQLITE_OPEN_READONLY, src); !s.ok()) return s.error();
    if (auto s = OpenSqlite(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, dst); !s.ok()) return s.error();
    Status st = CopyPages(src.db, dst.db);
    if (st.ok()) st = IntegrityCheck(dst.db, "the copy");
    // The copy is a plain rollback-journal file (one file, no -wal beside it).
    if (st.ok()) sqlite3_exec(dst.db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    sqlite3_close(dst.db);
    dst.db = nullptr;
    if (!st.ok()) {
      fs::remove(tmp);
      return st.error();
    }
  }
  std::error_code ec;
  fs::rename(tmp, out_file, ec);
  if (ec) return Error{Code::kUnavailable, "cannot rename " + tmp + " to " + out_file + ": " + ec.message(), "", nullptr};
  BackupReport r;
  r.file = out_file;
  r.bytes = fs::file_size(out_file);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return r;
}

Status RestoreDatabase(const std::string& db_url, const std::string& in_file, bool force) {
  if (!fs::exists(in_file)) return Error{Code::kNotFound, "no backup file " + in_file, "", nullptr};
  if (storage::IsPostgresUrl(db_url)) {
    std::string output;
    int rc = Run({PgTool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--exit-on-error", "--dbname", storage::PgConnInfo(db_url), in_file},
                 &output);
    if (rc != 0)
      return Error{Code::kUnavailable, "pg_restore failed (exit " + std::to_string(rc) + "): " + output, "", nullptr};
    return Status::Ok();
  }
  std::string path = SqlitePath(db_url);
  if (fs::exists(path) && !force)
    return Error::Conflict(path + " exists; stop the server and pass --force to replace it");
  SqliteHandle src, dst;
  if (auto s = OpenSqlite(in_file, SQLITE_OPEN_READONLY, src); !s.ok()) return s;
  if (auto s = IntegrityCheck(src.db, in_file); !s.ok()) return s;
  if (auto s = OpenSqlite(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, dst); !s.ok()) return s;
  if (auto s = CopyPages(src.db, dst.db); !s.ok()) return s;
  // The server runs the database in WAL mode; set it now so the first start needs no change.
  sqlite3_exec(dst.db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
  return IntegrityCheck(dst.db, path);
}

Result<int64_t> ParseInterval(const std::string& text) {
  size_t used = 0;
  int64_t n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  int64_t mult = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (used == 0 || mult == 0 || n <= 0)
    return Error::Invalid("backup-every", "--backup-every must be a number with s, m, h or d, e.g. 6h (got '" + text + "')");
  return n * mult;
}

std::vector<std::string> ListBackups(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    auto name = e.path().filename().string();
    bool ours = name.rfind("voronka-", 0) == 0 &&
                (name.size() > 3 && (name.ends_with(".db") || name.ends_with(".pgdump")));
    if (ours && e.is_regular_file()) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());  // the UTC stamp sorts by time
  return files;
}

BackupScheduler::BackupScheduler(std::string db_url, std::string dir, int64_t every_s, int keep)
    : db_url_(std::move(db_url)), dir_(std::move(dir)), every_s_(every_s), keep_(std::max(1, keep)) {}

BackupScheduler::~BackupScheduler() { Stop(); }

Result<BackupReport> BackupScheduler::RunOnce() {
  fs::create_directories(dir_);
  std::string ext = storage::IsPostgresUrl(db_url_) ? ".pgdump" : ".db";
  std::string file = (fs::path(dir_) / ("voronka-" + UtcStamp() + ext)).string();
  auto r = BackupDatabase(db_url_, file);
  if (!r.ok()) return r;
  auto files = ListBackups(dir_);
  for (size_t i = 0; i + keep_ < files.size(); ++i) {
    std::error_code ec;
    fs::remove(files[i], ec);
    spdlog::info("backup: removed {} (keeping {})", files[i], keep_);
  }
  return r;
}

void BackupScheduler::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    for (;;) {
      if (cv_.wait_for(lock, std::chrono::seconds(every_s_), [this] { return stop_; })) return;
      lock.unlock();
      try {
        auto r = RunOnce();
        if (r.ok())
          spdlog::info("backup: wrote {} ({} bytes, {:.2f} s)", r->file, r->bytes, r->seconds);
        else
          spdlog::error("backup failed: {}", r.error().message);
      } catch (const std::exception& e) {
        spdlog::error("backup failed: {}", e.what());
      }
      lock.lock();
    }
  });
}

void BackupScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace voronka::ops
