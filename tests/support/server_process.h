#pragma once
// Runs the real `voronka` binary for API tests: a fresh database, `voronka serve` on a free
// loopback port, SIGKILL or SIGTERM on demand.
//
// The backend comes from the environment, so one test binary serves both runs (see
// tests/CMakeLists.txt): VORONKA_TEST_BACKEND=postgres makes every ServerProcess create its
// own database (voronka_t_<pid>_<n>) on the cluster named by VORONKA_TEST_PG, a libpq
// connection string such as "host=/tmp/pg port=5433 user=postgres dbname=postgres" (set by
// tests/with_postgres.sh), and drop it again; otherwise the database is a SQLite file in the
// temporary directory.

#include <string>
#include <vector>

namespace voronka::testing {

// True when VORONKA_TEST_BACKEND=postgres.
bool UsingPostgres();
// Why PostgreSQL tests cannot run here (VORONKA_TEST_PG unset), or "" when they can.
std::string PostgresUnavailableReason();
// `psql` on `conninfo` with ON_ERROR_STOP, unaligned tuples-only output (-At). Returns the
// exit code; stdout and stderr in *out.
int RunPsql(const std::string& conninfo, const std::string& sql, std::string* out = nullptr);

class ServerProcess {
 public:
  // Creates a temporary directory and a fresh database (see above). Does not start the server.
  ServerProcess();
  // Another server on `db_url` (e.g. other.db_url()); the database is not created or dropped.
  explicit ServerProcess(const std::string& db_url);
  ~ServerProcess();  // stops the server (SIGKILL), drops its own database, removes the directory

  // Runs `voronka ARGS... --db DB` to completion; returns the exit code, stdout in *out.
  int RunCli(const std::vector<std::string>& args, std::string* out = nullptr) const;

  // Creates a user through the CLI; returns its id (the order of creation, from 1).
  void AddUser(const std::string& email, const std::string& role, const std::string& password = "secret-pass",
               const std::string& name = "", bool takes_leads = false) const;

  // Starts `voronka serve` and waits until it listens. Extra args are appended.
  void Start(const std::vector<std::string>& extra = {});
  // Options before `serve` for the next Start(); default {"--log-level", "warn"}.
  void SetGlobalArgs(std::vector<std::string> args) { global_args_ = std::move(args); }
  // Everything the server wrote to stdout and stderr so far.
  std::string Log() const;
  void Kill();       // SIGKILL, as a crash
  // SIGTERM, graceful; waits for exit. Returns the exit code, or 128 + signal when a signal
  // ended it (also a sanitizer's abort), or -1 when no server was running.
  int Terminate();
  // Sends SIGTERM and returns at once (the server drains in-flight requests); Wait() reaps it.
  void SignalTerminate();
  int Wait();
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  // The --db argument: a SQLite path, or "postgres:<conninfo>".
  const std::string& db_url() const { return db_; }
  const std::string& db_path() const { return db_; }
  // PostgreSQL only: the libpq connection string of the database, for RunPsql.
  const std::string& pg_conninfo() const { return pg_conninfo_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, db_;
  std::string pg_conninfo_, pg_database_;  // pg_database_: created here, dropped in the destructor
  std::vector<std::string> global_args_ = {"--log-level", "warn"};
  int pid_ = -1;
  int port_ = 0;
};

}  // namespace voronka::testing
