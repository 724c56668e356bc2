// voronka — the single binary: serve, migrate, seed-demo, user add, token create, version.

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <csignal>
#include <sstream>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "analytics/history.h"
#include "analytics/motivation.h"
#include "app/seed_demo.h"
#include "auth/password.h"
#include "common/random.h"
#include "common/text.h"
#include "domain/validate.h"
#include "http/api.h"
#include "http/server.h"
#include "storage/auth_store.h"
#include "storage/db.h"
#include "storage/migrate.h"
#include "notify/outbox.h"
#include "notify/smtp.h"
#include "ops/backup.h"
#include "ops/doctor.h"
#include "ops/logging.h"
#include "process/definition.h"
#include "process/diff.h"
#include "process/replay.h"
#include "storage/definitions_store.h"
#include "process/work_time.h"
#include "routing/routing_store.h"
#include "storage/process_store.h"
#include "storage/records.h"
#include "storage/replay_store.h"
#include "storage/transfer.h"

#ifndef VORONKA_VERSION
#define VORONKA_VERSION "dev"
#endif

using namespace voronka;

namespace {

std::unique_ptr<storage::Database> OpenAndMigrate(const std::string& url, bool migrate, int pool) {
  auto db = storage::OpenDatabase(url, {.pool_size = pool});
  SystemClock clock;
  if (migrate) {
    auto applied = storage::Migrate(*db, clock.NowMs());
    if (!applied.ok()) throw std::runtime_error(applied.error().message);
    if (applied.value() > 0) spdlog::info("applied {} migration(s); schema is at version {}", applied.value(),
                                          storage::LatestSchemaVersion());
  } else {
    int v = storage::CurrentSchemaVersion(*db);
    if (v != storage::LatestSchemaVersion())
      throw std::runtime_error("database schema is at version " + std::to_string(v) + ", this build needs " +
                               std::to_string(storage::LatestSchemaVersion()) + ": run 'voronka migrate'");
  }
  return db;
}

// For tests and demos (serve --clock-file): the time written in a file (ISO 8601, e.g.
// 2026-11-23T09:00:00Z) while the file exists, else the system clock. Read on every call, so
// a test moves time by rewriting the file.
class FileClock final : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  TimeMs NowMs() const override {
    std::ifstream in(path_);
    std::string text;
    if (in && std::getline(in, text))
      if (auto t = ParseIso(Trim(text))) return *t;
    return system_.NowMs();
  }

 private:
  std::string path_;
  SystemClock system_;
};

std::pair<std::string, uint16_t> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::runtime_error("--listen port must be 0..65535");
  return {listen.substr(0, colon), static_cast<uint16_t>(port)};
}

int Serve(const std::string& db_url, const std::string& listen, const std::string& web, const std::string& port_file,
          int workers, size_t body_limit, bool no_migrate, bool secure_cookies, notify::SmtpConfig smtp,
          const std::string& backup_dir, const std::string& backup_every, int backup_keep,
          const std::string& clock_file) {
  int64_t backup_every_s = 0;
  if (!backup_dir.empty()) {
    auto every = ops::ParseInterval(backup_every);
    if (!every.ok()) throw std::runtime_error(every.error().message);
    backup_every_s = every.value();
  }
  // E-mail: checked at start (a bad setting or template stops the server with the reason).
  if (!smtp.url.empty()) {
    if (const char* pw = std::getenv("VORONKA_SMTP_PASSWORD")) smtp.password = pw;
    if (auto st = notify::CheckMailConfig(smtp); !st.ok()) throw std::runtime_error(st.error().message);
  }
  // Signals are taken by a dedicated thread; block them before any other thread starts.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto db = OpenAndMigrate(db_url, !no_migrate, workers + 2);
  SystemClock system_clock;
  std::unique_ptr<FileClock> file_clock;
  if (!clock_file.empty()) file_clock = std::make_unique<FileClock>(clock_file);
  const Clock& clock = file_clock ? static_cast<const Clock&>(*file_clock) : system_clock;
  http::Services services{*db, clock, {}};
  services.config.web_root = web;
  services.config.secure_cookies = secure_cookies;
  http::Api api(services);
  auto [host, port] = ParseListen(listen);
  http::Server server({.address = host, .port = port, .io_threads = 1, .worker_threads = workers, .body_limit = body_limit},
                      [&api](const http::Request& r) { return api.Handle(r); });
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << server.port() << "\n";
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }
  std::unique_ptr<notify::OutboxWorker> outbox;
  if (!smtp.url.empty()) {
    outbox = std::make_unique<notify::OutboxWorker>(*db, smtp, clock);
    outbox->Start();
    spdlog::info("sending e-mail through {}", smtp.url);
  } else {
    spdlog::info("no --smtp-url: e-mails wait in the outbox");
  }
  std::unique_ptr<ops::BackupScheduler> backups;
  if (!backup_dir.empty()) {
    backups = std::make_unique<ops::BackupScheduler>(db_url, backup_dir, backup_every_s, backup_keep);
    backups->Start();
    spdlog::info("backups every {} into {}, keeping the newest {}", backup_every, backup_dir, backup_keep);
  }
  // Durable timers: every second, fire what is due (deadlines, checkpoints, stage timers).
  std::atomic<bool> running{true};
  std::thread timers([&] {
    while (running.load()) {
      try {
        int fired = storage::FireDueTimers(*db, clock.NowMs(), process::DefaultWorkTime());
        if (fired > 0) spdlog::debug("fired {} process timer(s)", fired);
      } catch (const std::exception& e) {
        spdlog::error("process timers: {}", e.what());
      }
      // Lead routing: untaken leads past their SLA move on; absences start and end.
      try {
        TimeMs now = clock.NowMs();
        int rerouted = routing::SweepSla(*db, now);
        int moved = routing::SweepAbsences(*db, now);
        if (rerouted + moved > 0) spdlog::info("re-routed {} lead(s), moved {} task(s) for absences", rerouted, moved);
      } catch (const std::exception& e) {
        spdlog::error("routing sweep: {}", e.what());
      }
      for (int i = 0; i < 10 && running.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::thread signals([&] {
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("signal {}: finishing in-flight requests", sig);
    server.Stop();
  });
  signals.detach();
  spdlog::info("Voronka {} listening on http://{}:{}/ (database {})", VORONKA_VERSION, host, server.port(),
               ops::RedactDbUrl(db_url));
  server.Run();
  running = false;
  timers.join();
  if (outbox) outbox->Stop();
  if (backups) backups->Stop();
  spdlog::info("stopped");
  return 0;
}

int AddUser(const std::string& db_url, const std::string& email, const std::string& name, const std::string& role,
            const std::string& password, bool takes_leads) {
  auto db = OpenAndMigrate(db_url, true, 2);
  if (auto p = auth::PasswordProblem(password); !p.empty()) throw std::runtime_error(p);
  auto normalized = NormalizeEmail(email);
  if (!normalized) throw std::runtime_error("'" + email + "' is not a valid e-mail address");
  nlohmann::json body = {{"email", *normalized}, {"name", name}, {"role", role}, {"takes_leads", takes_leads}};
  auto values = domain::ValidateCreate(domain::UsersSpec(), body);
  if (!values.ok()) throw std::runtime_error(values.error().message);
  SystemClock clock;
  auto tx = db->Begin(storage::TxMode::kWrite);
  if (storage::FindLogin(*tx, *normalized)) throw std::runtime_error("a user with e-mail " + *normalized + " already exists");
  auto user = storage::CreateRecord(*tx, domain::UsersSpec(), values.value(), {std::nullopt, clock.NowMs()});
  if (!user.ok()) throw std::runtime_error(user.error().message);
  storage::SetPasswordHash(*tx, user.value()["id"].get<int64_t>(), auth::HashPassword(password));
  tx->Commit();
  std::cout << "created user " << user.value()["id"] << " " << *normalized << " (" << role << ")\n";
  return 0;
}

// Lints each file with `lint`; prints every problem as file:line:column and exits 1 if any.
int LintFiles(const std::vector<std::string>& files,
              const std::function<std::vector<LintMessage>(const std::string&, const std::string&)>& lint) {
  int problems = 0;
  for (const auto& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << file << ": cannot read the file\n";
      ++problems;
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto found = lint(text.str(), file);
    for (const auto& m : found) std::cout << m.ToString() << "\n";
    problems += static_cast<int>(found.size());
    if (found.empty()) std::cout << file << ": ok\n";
  }
  return problems == 0 ? 0 : 1;
}

// Pipeline definitions.
int LintProcess(const std::vector<std::string>& files) {
  return LintFiles(files, [](const std::string& text, const std::string& file) {
    return process::LintDefinition(text, file);
  });
}

// Motivation schemes, against the reference funnel's stages.
int LintMotivation(const std::vector<std::string>& files) {
  return LintFiles(files, [](const std::string& text, const std::string& file) {
    return analytics::LintScheme(text, file, analytics::MainPath("it_studio"));
  });
}

std::optional<std::string> ReadText(const std::string& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int DiffProcess(const std::string& a_file, const std::string& b_file) {
  auto a_text = ReadText(a_file), b_text = ReadText(b_file);
  if (!a_text || !b_text) throw std::runtime_error("cannot read " + (!a_text ? a_file : b_file));
  auto a = process::LoadDefinition(*a_text, a_file);
  if (!a.ok()) throw std::runtime_error(a.error().message);
  auto b = process::LoadDefinition(*b_text, b_file);
  if (!b.ok()) throw std::runtime_error(b.error().message);
  auto changes = process::DiffDefinitions(a.value(), b.value());
  for (const auto& line : changes) std::cout << line << "\n";
  if (changes.empty()) std::cout << "no changes\n";
  return 0;
}

int ImportProcess(const std::string& db_url, const std::string& file) {
  auto text = ReadText(file);
  if (!text) throw std::runtime_error("cannot read " + file);
  auto lint = process::LintDefinition(*text, file);
  if (!lint.empty()) throw std::runtime_error(JoinLint(lint));
  auto db = OpenAndMigrate(db_url, true, 2);
  SystemClock clock;
  auto tx = db->Begin(storage::TxMode::kWrite);
  auto published = storage::PublishDefinition(*tx, *text, std::nullopt, clock.NowMs());
  if (!published.ok()) throw std::runtime_error(published.error().message);
  tx->Commit();
  std::cout << "published " << published.value().code << " version " << published.value().version
            << "; running cards keep their version until 'voronka process migrate'\n";
  return 0;
}

// "2026-10-01" (midnight UTC) or a full ISO 8601 time.
TimeMs ParseDay(const std::string& text, const char* option) {
  if (auto t = ParseIso(text)) return *t;
  if (auto t = ParseIso(text + "T00:00:00Z")) return *t;
  throw std::runtime_error(std::string(option) + " must be a date like 2026-10-01, not '" + text + "'");
}

// Rollout preview: the cards of the file's pipeline created in [from, to) replayed through the
// running version and through the file; prints the rules whose counts would change.
int ReplayProcess(const std::string& db_url, const std::string& file, const std::string& from_text,
                  const std::string& to_text) {
  auto text = ReadText(file);
  if (!text) throw std::runtime_error("cannot read " + file);
  auto changed = process::LoadDefinition(*text, file);
  if (!changed.ok()) throw std::runtime_error(changed.error().message);
  SystemClock clock;
  TimeMs now = clock.NowMs();
  TimeMs from = ParseDay(from_text, "--from");
  TimeMs to = to_text.empty() ? now : ParseDay(to_text, "--to");
  if (to <= from) throw std::runtime_error("--to must be after --from");
  auto db = OpenAndMigrate(db_url, false, 2);
  auto tx = db->Begin(storage::TxMode::kRead);
  const std::string& code = changed.value().code;
  auto running = storage::GetDefinition(*tx, code);
  if (!running) throw std::runtime_error("pipeline " + code + " has no running version in this database");
  int version = storage::LatestDefinitionVersion(*tx, code).value_or(0);
  auto cards = storage::LoadRecordedCards(*tx, code, from, to);
  const auto& wt = process::DefaultWorkTime();
  TimeMs until = std::min(now, to);
  auto before = process::Replay(*running, cards, until, wt);
  auto after = process::Replay(changed.value(), cards, until, wt);
  std::cout << "replayed " << before.cards << " card(s) of " << code << " created " << FormatIso(from) << " … "
            << FormatIso(to) << " (" << before.events << " events) through version " << version << " and " << file
            << "\n";
  auto diff = process::CompareReplays(before.counts, after.counts);
  if (diff.empty()) {
    std::cout << "no rule would work differently\n";
    return 0;
  }
  size_t width = 4;
  for (const auto& d : diff) width = std::max(width, d.rule.size());
  auto pad = [](std::string s, size_t n) { return s + std::string(n > s.size() ? n - s.size() : 0, ' '); };
  std::cout << pad("rule", width) << "  " << pad("now", 8) << pad("new", 8) << "change\n";
  for (const auto& d : diff) {
    int64_t delta = d.after - d.before;
    std::cout << pad(d.rule, width) << "  " << pad(std::to_string(d.before), 8) << pad(std::to_string(d.after), 8)
              << (delta > 0 ? "+" : "") << delta << "\n";
  }
  return 0;
}

int MigrateProcess(const std::string& db_url, const std::string& code, int to_version) {
  auto db = OpenAndMigrate(db_url, true, 2);
  SystemClock clock;
  auto tx = db->Begin(storage::TxMode::kWrite);
  auto report = storage::MigrateCards(*tx, code, to_version, std::nullopt, clock.NowMs());
  if (!report.ok()) throw std::runtime_error(report.error().message);
  tx->Commit();
  std::cout << "migrated " << report.value().migrated << " running card(s) of " << code << " to version " << to_version
            << "\n";
  for (const auto& u : report.value().unmapped)
    std::cout << "not migrated: deal " << u["deal_id"] << " is on stage " << u["stage"]
              << ", which version " << to_version << " does not have\n";
  return report.value().unmapped.empty() ? 0 : 2;
}

int CreateToken(const std::string& db_url, const std::string& email, const std::string& name, const std::string& scope) {
  auto db = OpenAndMigrate(db_url, false, 2);
  SystemClock clock;
  auto tx = db->Begin(storage::TxMode::kWrite);
  auto login = storage::FindLogin(*tx, NormalizeEmail(email).value_or(email));
  if (!login) throw std::runtime_error("no user with e-mail " + email);
  std::string token = "vrk_" + RandomHex(24);
  storage::CreateApiToken(*tx, name, Sha256Hex(token), login->user_id, clock.NowMs(), scope);
  tx->Commit();
  std::cout << token << "\n";
  return 0;
}

// Every table as JSON lines (storage/transfer.h), for moving between SQLite and PostgreSQL.
int ExportData(const std::string& db_url, const std::string& file) {
  auto db = OpenAndMigrate(db_url, false, 2);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + file);
  out.exceptions(std::ios::badbit | std::ios::failbit);
  auto report = storage::ExportDatabase(*db, out);
  if (!report.ok()) throw std::runtime_error(report.error().message);
  std::cout << "exported " << report.value().rows << " rows of " << report.value().tables.size() << " tables to "
            << file << "\n";
  return 0;
}

int ImportData(const std::string& db_url, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file);
  auto db = OpenAndMigrate(db_url, true, 2);
  auto report = storage::ImportDatabase(*db, in);
  if (!report.ok()) throw std::runtime_error(file + ": " + report.error().message);
  for (const auto& [table, rows] : report.value().tables) std::cout << "  " << table << ": " << rows << "\n";
  std::cout << "imported " << report.value().rows << " rows of " << report.value().tables.size() << " tables\n";
  return 0;
}

int Doctor(ops::DoctorOptions options) {
  if (const char* pw = std::getenv("VORONKA_SMTP_PASSWORD")) options.smtp.password = pw;
  auto results = ops::RunDoctor(options);
  std::cout << ops::FormatReport(results);
  bool failed = std::any_of(results.begin(), results.end(),
                            [](const ops::CheckResult& r) { return r.state == ops::CheckState::kFail; });
  std::cout << (failed ? "doctor: problems found\n" : "doctor: all checks passed\n");
  return failed ? 1 : 0;
}

int Backup(const std::string& db_url, const std::string& file) {
  auto r = ops::BackupDatabase(db_url, file);
  if (!r.ok()) throw std::runtime_error(r.error().message);
  std::cout << "backup written to " << r->file << " (" << r->bytes << " bytes, " << r->seconds << " s)\n";
  return 0;
}

int Restore(const std::string& db_url, const std::string& file, bool force) {
  auto st = ops::RestoreDatabase(db_url, file, force);
  if (!st.ok()) throw std::runtime_error(st.error().message);
  auto db = OpenAndMigrate(db_url, false, 2);  // refuses a backup from another schema version
  std::cout << "restored " << file << " into " << ops::RedactDbUrl(db_url) << "; schema version "
            << storage::CurrentSchemaVersion(*db) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Voronka — the sales department's process, run like clockwork"};
  app.require_subcommand(1);
  std::string db_url = "voronka.db";
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  std::string log_format = "text";
  app.add_option("--log-format", log_format, "text, or json: one JSON object per line (ts, level, msg, thread)")
      ->capture_default_str();

  auto* serve = app.add_subcommand("serve", "Run the HTTP server");
  std::string listen = "127.0.0.1:8080", web, port_file;
  int workers = 32;
  size_t body_limit = 1 << 20;
  bool no_migrate = false, secure_cookies = false;
  serve->add_option("--db", db_url, "SQLite file (or sqlite:PATH)")->capture_default_str();
  serve->add_option("--listen", listen, "HOST:PORT (port 0 = any free port)")->capture_default_str();
  serve->add_option("--web", web, "directory of the built web UI to serve");
  serve->add_option("--port-file", port_file, "write the bound port to this file once listening");
  serve->add_option("--workers", workers, "request worker threads")->capture_default_str()->check(CLI::Range(1, 256));
  serve->add_option("--body-limit", body_limit, "largest accepted request body, bytes")->capture_default_str();
  serve->add_flag("--no-migrate", no_migrate, "refuse to start on an old schema instead of migrating it");
  serve->add_flag("--secure-cookies", secure_cookies, "mark cookies Secure (when served over HTTPS)");
  notify::SmtpConfig smtp;
  std::string partner_name;
  serve->add_option("--smtp-url", smtp.url, "smtp://host:port or smtps://host:port; without it e-mails wait in the outbox");
  serve->add_option("--smtp-user", smtp.user, "SMTP login (password from the VORONKA_SMTP_PASSWORD variable)");
  serve->add_option("--smtp-from", smtp.from, "sender, e.g. \"Студия <crm@studio.ru>\"");
  serve->add_flag("--smtp-starttls", smtp.starttls, "require STARTTLS on smtp://");
  serve->add_option("--company-name", smtp.company_name, "our company as signed in letters");
  serve->add_option("--email-templates", smtp.templates_dir, "directory of e-mail templates (default: the shipped ones)");
  serve->add_option("--partner-name", partner_name, "partner agency offered in segment C rejections");
  std::string clock_file;
  serve->add_option("--clock-file", clock_file,
                    "tests and demos: take the current time (ISO 8601) from this file while it exists");
  std::string backup_dir, backup_every = "24h";
  int backup_keep = 7;
  serve->add_option("--backup-dir", backup_dir, "take scheduled backups into this directory");
  serve->add_option("--backup-every", backup_every, "interval between backups: 90s, 30m, 6h, 1d")->capture_default_str();
  serve->add_option("--backup-keep", backup_keep, "how many of the newest backups to keep")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));

  auto* migrate = app.add_subcommand("migrate", "Bring the database schema up to date");
  migrate->add_option("--db", db_url, "SQLite file (or sqlite:PATH)")->capture_default_str();
  int migrate_to = -1;
  migrate->add_option("--to-version", migrate_to, "stop at this schema version (staged upgrades; default: the latest)");

  auto* seed = app.add_subcommand("seed-demo", "Fill the database with the demo IT studio");
  bool if_empty = false;
  uint32_t seed_value = 20261124;
  int leads = 1500;
  seed->add_option("--db", db_url, "SQLite file (or sqlite:PATH)")->capture_default_str();
  seed->add_flag("--if-empty", if_empty, "do nothing when the database already has users");
  seed->add_option("--seed", seed_value, "random seed (same seed, same company)")->capture_default_str();
  seed->add_option("--leads", leads, "number of leads over the last 3 months")->capture_default_str();

  auto* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Create a user");
  std::string email, name, role = "manager", password;
  bool takes_leads = false;
  user_add->add_option("--db", db_url, "SQLite file (or sqlite:PATH)")->capture_default_str();
  user_add->add_option("--email", email, "login e-mail")->required();
  user_add->add_option("--name", name, "full name")->required();
  user_add->add_option("--role", role, "admin, owner, head, curator or manager")->capture_default_str();
  user_add->add_option("--password", password, "at least 8 characters")->required();
  user_add->add_flag("--takes-leads", takes_leads, "receives new leads in turn");

  auto* token = app.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create an API token for a user and print it once");
  std::string token_name = "integration";
  token_create->add_option("--db", db_url, "SQLite file (or sqlite:PATH)")->capture_default_str();
  token_create->add_option("--email", email, "the user the token acts as")->required();
  token_create->add_option("--name", token_name, "what the token is for")->capture_default_str();
  std::string token_scope = storage::kTokenScopeAll;
  token_create->add_option("--scope", token_scope, "all, or intake: may only post leads (a site form's token)")
      ->check(CLI::IsMember({storage::kTokenScopeAll, storage::kTokenScopeIntake}))
      ->capture_default_str();

  auto* motivation_cmd = app.add_subcommand("motivation", "Work with motivation schemes (YAML)");
  motivation_cmd->require_subcommand(1);
  auto* motivation_lint = motivation_cmd->add_subcommand("lint", "Check motivation schemes; print every problem with its line");
  std::vector<std::string> motivation_files;
  motivation_lint->add_option("files", motivation_files, "motivation YAML files")->required();

  auto* process_cmd = app.add_subcommand("process", "Work with pipeline definitions (YAML)");
  process_cmd->require_subcommand(1);
  auto* lint = process_cmd->add_subcommand("lint", "Check pipeline files; print every problem with its line");
  std::vector<std::string> lint_files;
  lint->add_option("files", lint_files, "pipeline YAML files")->required();

  auto* diff = process_cmd->add_subcommand("diff", "Show what changed between two pipeline files");
  std::string diff_a, diff_b;
  diff->add_option("before", diff_a, "the older YAML")->required();
  diff->add_option("after", diff_b, "the newer YAML")->required();
  auto* import = process_cmd->add_subcommand("import", "Publish a pipeline file as its next version");
  std::string import_file;
  import->add_option("--db", db_url, "SQLite file (or sqlite:PATH)")->capture_default_str();
  import->add_option("file", import_file, "pipeline YAML")->required();
  auto* pmigrate = process_cmd->add_subcommand("migrate", "Move running cards of a pipeline to a version");
  std::string pipeline_code;
  int to_version = 0;
  pmigrate->add_option("--db", db_url, "SQLite file (or sqlite:PATH)")->capture_default_str();
  pmigrate->add_option("--pipeline", pipeline_code, "pipeline code, e.g. it_studio")->required();
  pmigrate->add_option("--to-version", to_version, "target version")->required();

  auto* replay = process_cmd->add_subcommand(
      "replay", "Replay the recorded events of a period through a changed pipeline file and show what would differ");
  std::string replay_file, replay_from, replay_to;
  replay->add_option("--db", db_url, "SQLite file (or sqlite:PATH)")->capture_default_str();
  replay->add_option("--definition", replay_file, "the changed pipeline YAML")->required();
  replay->add_option("--from", replay_from, "cards created from this date (2026-10-01)")->required();
  replay->add_option("--to", replay_to, "… until this date (default: now)");

  auto* export_cmd = app.add_subcommand("export", "Write every table of the database to a JSON-lines file");
  std::string transfer_file;
  export_cmd->add_option("--db", db_url, "SQLite file or PostgreSQL URL (postgresql://…, postgres:KEY=VALUE …)")
      ->capture_default_str();
  export_cmd->add_option("--out", transfer_file, "the file to write")->required();
  auto* import_data = app.add_subcommand(
      "import-data", "Load an export into a new database (SQLite or PostgreSQL; migrated first, must be empty)");
  import_data->add_option("--db", db_url, "SQLite file or PostgreSQL URL (postgresql://…, postgres:KEY=VALUE …)")
      ->capture_default_str();
  import_data->add_option("--in", transfer_file, "a file written by 'voronka export'")->required();

  auto* doctor = app.add_subcommand("doctor", "Check configuration, database, migrations, SMTP and disk space");
  ops::DoctorOptions doctor_options;
  uint64_t min_free_mb = 512;
  doctor->add_option("--db", db_url, "SQLite file or PostgreSQL URL")->capture_default_str();
  doctor->add_option("--web", doctor_options.web_root, "the web UI directory serve uses");
  doctor->add_option("--smtp-url", doctor_options.smtp.url, "as for serve");
  doctor->add_option("--smtp-user", doctor_options.smtp.user, "as for serve (password from VORONKA_SMTP_PASSWORD)");
  doctor->add_option("--smtp-from", doctor_options.smtp.from, "as for serve");
  doctor->add_flag("--smtp-starttls", doctor_options.smtp.starttls, "as for serve");
  doctor->add_option("--email-templates", doctor_options.smtp.templates_dir, "as for serve");
  doctor->add_option("--backup-dir", doctor_options.backup_dir, "as for serve");
  doctor->add_option("--min-free-mb", min_free_mb, "fail when less disk space is free")->capture_default_str();

  auto* backup = app.add_subcommand("backup", "Write a consistent copy of the database (also while serving)");
  std::string backup_file;
  bool restore_force = false;
  backup->add_option("--db", db_url, "SQLite file or PostgreSQL URL (pg_dump)")->capture_default_str();
  backup->add_option("--out", backup_file, "the backup file to write")->required();
  auto* restore = app.add_subcommand("restore", "Replace the database with a backup (stop the server first)");
  restore->add_option("--db", db_url, "SQLite file or PostgreSQL URL (pg_restore)")->capture_default_str();
  restore->add_option("--in", backup_file, "a file written by 'voronka backup'")->required();
  restore->add_flag("--force", restore_force, "replace an existing SQLite file");

  app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);
  try {
    ops::ConfigureLogging(log_format, log_level);
    if (*serve) {
      if (!partner_name.empty()) smtp.variables["partner_name"] = partner_name;
      return Serve(db_url, listen, web, port_file, workers, body_limit, no_migrate, secure_cookies, smtp, backup_dir,
                   backup_every, backup_keep, clock_file);
    }
    if (*migrate) {
      auto db = storage::OpenDatabase(db_url, {.pool_size = 2});
      SystemClock clock;
      auto applied = storage::Migrate(*db, clock.NowMs(), migrate_to);
      if (!applied.ok()) throw std::runtime_error(applied.error().message);
      std::cout << "schema is at version " << storage::CurrentSchemaVersion(*db) << "\n";
      return 0;
    }
    if (*seed) {
      auto db = OpenAndMigrate(db_url, true, 2);
      SystemClock clock;
      auto result = app::SeedDemo(*db, {.seed = seed_value, .leads = leads, .if_empty = if_empty, .now = clock.NowMs()});
      std::cout << result << std::flush;
      return 0;
    }
    if (*user_add) return AddUser(db_url, email, name, role, password, takes_leads);
    if (*token_create) return CreateToken(db_url, email, token_name, token_scope);
    if (*lint) return LintProcess(lint_files);
    if (*motivation_lint) return LintMotivation(motivation_files);
    if (*diff) return DiffProcess(diff_a, diff_b);
    if (*import) return ImportProcess(db_url, import_file);
    if (*pmigrate) return MigrateProcess(db_url, pipeline_code, to_version);
    if (*replay) return ReplayProcess(db_url, replay_file, replay_from, replay_to);
    if (*export_cmd) return ExportData(db_url, transfer_file);
    if (*import_data) return ImportData(db_url, transfer_file);
    if (*doctor) {
      doctor_options.db_url = db_url;
      doctor_options.min_free_bytes = min_free_mb << 20;
      return Doctor(doctor_options);
    }
    if (*backup) return Backup(db_url, backup_file);
    if (*restore) return Restore(db_url, backup_file, restore_force);
    std::cout << "voronka " << VORONKA_VERSION << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "voronka: " << e.what() << "\n";
    return 1;
  }
}
