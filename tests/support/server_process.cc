#include "support/server_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

namespace voronka::testing {

namespace fs = std::filesystem;

namespace {

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// VORONKA_TEST_PG with its dbname replaced.
std::string WithDatabase(const std::string& conninfo, const std::string& dbname) {
  std::string out;
  size_t pos = 0;
  while (pos < conninfo.size()) {
    size_t end = conninfo.find(' ', pos);
    if (end == std::string::npos) end = conninfo.size();
    std::string word = conninfo.substr(pos, end - pos);
    if (!word.empty() && word.rfind("dbname=", 0) != 0) out += word + " ";
    pos = end + 1;
  }
  return out + "dbname=" + dbname;
}

std::string MakeTempDir() {
  std::string tmpl = (fs::temp_directory_path() / "voronka-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

}  // namespace

bool UsingPostgres() { return Env("VORONKA_TEST_BACKEND") == "postgres"; }

std::string PostgresUnavailableReason() {
  if (!Env("VORONKA_TEST_PG").empty()) return "";
  return "VORONKA_TEST_PG is not set: PostgreSQL tests need a cluster; run them with `make test` or "
         "tests/with_postgres.sh ctest -R '^pg\\.'";
}

// Runs a shell command to completion; its output (stdout and stderr) in *out.
int RunCommand(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::string output;
  while (size_t n = fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  int status = pclose(p);
  if (out) *out = output;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int RunPsql(const std::string& conninfo, const std::string& sql, std::string* out) {
  std::string psql = fs::exists("/usr/lib/postgresql/15/bin/psql") ? "/usr/lib/postgresql/15/bin/psql" : "psql";
  std::string cmd = psql + " -X -q -At -v ON_ERROR_STOP=1 -d " + ShellQuote(conninfo) + " -c " + ShellQuote(sql) + " 2>&1";
  return RunCommand(cmd, out);
}

ServerProcess::ServerProcess() {
  dir_ = MakeTempDir();
  if (!UsingPostgres()) {
    db_ = dir_ + "/voronka.db";
    return;
  }
  std::string cluster = Env("VORONKA_TEST_PG");
  if (cluster.empty()) throw std::runtime_error(PostgresUnavailableReason());
  static std::atomic<int> counter{0};
  std::string name = "voronka_t_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  std::string out;
  if (RunPsql(cluster, "CREATE DATABASE " + name, &out) != 0)
    throw std::runtime_error("cannot create PostgreSQL database " + name + ": " + out);
  pg_database_ = name;
  pg_conninfo_ = WithDatabase(cluster, name);
  db_ = "postgres:" + pg_conninfo_;
}

ServerProcess::ServerProcess(const std::string& db_url) : dir_(MakeTempDir()), db_(db_url) {
  if (db_url.rfind("postgres:", 0) == 0) pg_conninfo_ = db_url.substr(9);
}

ServerProcess::~ServerProcess() {
  Kill();
  if (!pg_database_.empty()) RunPsql(Env("VORONKA_TEST_PG"), "DROP DATABASE IF EXISTS " + pg_database_ + " WITH (FORCE)");
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

int ServerProcess::RunCli(const std::vector<std::string>& args, std::string* out) const {
  std::string cmd = std::string(VORONKA_BINARY) + " --log-level warn";
  for (const auto& a : args) cmd += " " + ShellQuote(a);
  cmd += " --db " + ShellQuote(db_) + " 2>&1";
  return RunCommand(cmd, out);
}

void ServerProcess::AddUser(const std::string& email, const std::string& role, const std::string& password,
                            const std::string& name, bool takes_leads) const {
  std::vector<std::string> args = {"user", "add", "--email", email, "--role", role, "--password", password,
                                   "--name", name.empty() ? email : name};
  if (takes_leads) args.push_back("--takes-leads");
  std::string out;
  if (RunCli(args, &out) != 0) throw std::runtime_error("user add failed: " + out);
}

void ServerProcess::Start(const std::vector<std::string>& extra) {
  std::string port_file = dir_ + "/port";
  fs::remove(port_file);
  std::vector<std::string> args = {VORONKA_BINARY};
  args.insert(args.end(), global_args_.begin(), global_args_.end());
  for (std::string a : {"serve", "--db", db_.c_str(), "--listen", "127.0.0.1:0", "--port-file", port_file.c_str()})
    args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = fork();
  if (pid_ == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string log = dir_ + "/server.log";
    freopen(log.c_str(), "a", stdout);
    freopen(log.c_str(), "a", stderr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file);
    if (in >> port_ && port_ > 0) return;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("voronka serve exited at start; see " + dir_ + "/server.log");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("voronka serve did not start within 30 s");
}

std::string ServerProcess::Log() const {
  std::ifstream in(dir_ + "/server.log");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int ServerProcess::Terminate() {
  if (pid_ <= 0) return -1;
  SignalTerminate();
  return Wait();
}

void ServerProcess::SignalTerminate() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

int ServerProcess::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace voronka::testing
