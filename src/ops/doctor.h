#pragma once
// `voronka doctor`: checks an installation the way an operator would, one readable line each:
// configuration, the database (reachable, schema current), SMTP (the server answers, TLS and
// login work) and free disk space next to the database and the backups.

#include <cstdint>
#include <string>
#include <vector>

#include "notify/smtp.h"

namespace voronka::ops {

struct DoctorOptions {
  std::string db_url;
  notify::SmtpConfig smtp;  // url empty: e-mail is not configured (reported, not a failure)
  std::string web_root;     // "" = not served
  std::string backup_dir;   // "" = no scheduled backups
  uint64_t min_free_bytes = 512ull << 20;
};

enum class CheckState { kOk, kWarn, kFail };

struct CheckResult {
  std::string name;  // "database", "smtp", …
  CheckState state = CheckState::kOk;
  std::string detail;
};

// Runs every check; never throws (a check that throws is a kFail with the reason).
// Opens an existing database only: a missing SQLite file is a failure, not created.
std::vector<CheckResult> RunDoctor(const DoctorOptions& options);

// "ok    database: …" / "WARN  …" / "FAIL  …", one line per check.
std::string FormatReport(const std::vector<CheckResult>& results);

}  // namespace voronka::ops
