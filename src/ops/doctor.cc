#include "ops/doctor.h"

#include <curl/curl.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <functional>

#include "notify/outbox.h"
#include "storage/db.h"
#include "storage/migrate.h"

namespace voronka::ops {

namespace fs = std::filesystem;

namespace {

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 || url.rfind("postgres:", 0) == 0;
}

std::string SqlitePath(const std::string& url) { return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url; }

std::string Human(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
  else std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1ull << 20));
  return buf;
}

CheckResult Guard(const std::string& name, const std::function<CheckResult()>& check) {
  try {
    return check();
  } catch (const std::exception& e) {
    return {name, CheckState::kFail, e.what()};
  }
}

CheckResult CheckDatabase(const DoctorOptions& o, std::vector<CheckResult>& out) {
  if (!IsPostgresUrl(o.db_url)) {
    auto path = SqlitePath(o.db_url);
    if (!fs::exists(path))
      return {"database", CheckState::kFail, "SQLite file " + path + " does not exist (run 'voronka migrate --db " +
                                                 path + "' to create it)"};
  }
  auto db = storage::OpenDatabase(o.db_url, {.pool_size = 1});
  auto tx = db->Begin(storage::TxMode::kRead);
  auto has_table = tx->Query(db->dialect() == storage::Dialect::kSqlite
                                 ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'"
                                 : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'");
  int current = 0;
  if (has_table[0].Int(0) > 0)
    current = static_cast<int>(tx->Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].Int(0));
  int64_t users = 0;
  if (current > 0) users = tx->Query("SELECT COUNT(*) FROM users")[0].Int(0);
  if (db->dialect() == storage::Dialect::kSqlite) {
    auto check = tx->Query("PRAGMA quick_check");
    std::string verdict = check.empty() ? "no answer" : check[0].Text(0);
    if (verdict != "ok") out.push_back({"database integrity", CheckState::kFail, "PRAGMA quick_check: " + verdict});
    else out.push_back({"database integrity", CheckState::kOk, "PRAGMA quick_check: ok"});
  }
  int latest = storage::LatestSchemaVersion();
  std::string where = db->dialect() == storage::Dialect::kSqlite ? "SQLite " + SqlitePath(o.db_url) : "PostgreSQL";
  if (current > latest)
    out.push_back({"migrations", CheckState::kFail, "schema version " + std::to_string(current) +
                                                        " is newer than this build (" + std::to_string(latest) +
                                                        "): upgrade voronka"});
  else if (current < latest)
    out.push_back({"migrations", CheckState::kFail, "schema version " + std::to_string(current) + ", this build needs " +
                                                        std::to_string(latest) + ": run 'voronka migrate'"});
  else
    out.push_back({"migrations", CheckState::kOk, "schema version " + std::to_string(current) + " is current"});
  return {"database", CheckState::kOk, where + " answers; " + std::to_string(users) + " user(s)"};
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// An SMTP conversation up to NOOP: connects, greets, STARTTLS/TLS and AUTH as configured.
CheckResult CheckSmtp(const notify::SmtpConfig& smtp) {
  if (smtp.url.empty()) return {"smtp", CheckState::kWarn, "no --smtp-url: e-mails wait in the outbox"};
  if (auto st = notify::CheckMailConfig(smtp); !st.ok()) return {"smtp", CheckState::kFail, st.error().message};
  CURL* curl = curl_easy_init();
  if (!curl) return {"smtp", CheckState::kFail, "curl_easy_init failed"};
  char err[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, smtp.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "NOOP");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(smtp.timeout_s));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(smtp.timeout_s));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  if (smtp.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!smtp.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, smtp.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, smtp.password.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK)
    return {"smtp", CheckState::kFail,
            smtp.url + " does not answer: " + (err[0] ? std::string(err) : curl_easy_strerror(rc)) +
                (reply ? " (reply " + std::to_string(reply) + ")" : "")};
  return {"smtp", CheckState::kOk, smtp.url + " answers (NOOP: " + std::to_string(reply) + ")"};
}

CheckResult CheckDisk(const std::string& name, const std::string& dir, uint64_t min_free) {
  struct statvfs st {};
  if (statvfs(dir.c_str(), &st) != 0) return {name, CheckState::kFail, "cannot stat " + dir + ": " + std::strerror(errno)};
  uint64_t free_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  uint64_t total = static_cast<uint64_t>(st.f_blocks) * st.f_frsize;
  std::string detail = Human(free_bytes) + " free of " + Human(total) + " on " + dir;
  if (free_bytes < min_free) return {name, CheckState::kFail, detail + " (below " + Human(min_free) + ")"};
  if (total > 0 && free_bytes < total / 10) return {name, CheckState::kWarn, detail + " (under 10%)"};
  return {name, CheckState::kOk, detail};
}

}  // namespace

std::vector<CheckResult> RunDoctor(const DoctorOptions& o) {
  std::vector<CheckResult> out;
  out.push_back(Guard("config", [&]() -> CheckResult {
    std::vector<std::string> problems;
    if (o.db_url.empty()) problems.push_back("--db is empty");
    if (!o.web_root.empty() && !fs::exists(fs::path(o.web_root) / "index.html"))
      problems.push_back("--web " + o.web_root + " has no index.html (run 'make web')");
    if (!o.backup_dir.empty() && !fs::is_directory(o.backup_dir))
      problems.push_back("--backup-dir " + o.backup_dir + " is not a directory");
    if (!problems.empty()) {
      std::string all;
      for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
      return {"config", CheckState::kFail, all};
    }
    return {"config", CheckState::kOk, "flags are valid"};
  }));
  std::vector<CheckResult> db_extra;
  out.push_back(Guard("database", [&] { return CheckDatabase(o, db_extra); }));
  out.insert(out.end(), db_extra.begin(), db_extra.end());
  out.push_back(Guard("smtp", [&] { return CheckSmtp(o.smtp); }));
  if (!IsPostgresUrl(o.db_url)) {
    auto dir = fs::absolute(SqlitePath(o.db_url)).parent_path().string();
    out.push_back(Guard("disk (database)", [&] { return CheckDisk("disk (database)", dir, o.min_free_bytes); }));
  }
  if (!o.backup_dir.empty() && fs::is_directory(o.backup_dir))
    out.push_back(Guard("disk (backups)", [&] { return CheckDisk("disk (backups)", o.backup_dir, o.min_free_bytes); }));
  return out;
}

std::string FormatReport(const std::vector<CheckResult>& results) {
  std::string out;
  for (const auto& r : results) {
    const char* tag = r.state == CheckState::kOk ? "ok  " : r.state == CheckState::kWarn ? "WARN" : "FAIL";
    out += std::string(tag) + "  " + r.name + ": " + r.detail + "\n";
  }
  return out;
}

}  // namespace voronka::ops
