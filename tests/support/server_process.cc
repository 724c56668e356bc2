#include "support/server_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace voronka::testing {

namespace fs = std::filesystem;

ServerProcess::ServerProcess() {
  std::string tmpl = (fs::temp_directory_path() / "voronka-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  db_ = dir_ + "/voronka.db";
}

ServerProcess::~ServerProcess() {
  Kill();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

int ServerProcess::RunCli(const std::vector<std::string>& args, std::string* out) const {
  std::string cmd = std::string(VORONKA_BINARY) + " --log-level warn";
  for (const auto& a : args) {
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " " + q + "'";
  }
  cmd += " --db '" + db_ + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::string output;
  while (size_t n = fread(buf, 1, sizeof buf, p)) output.append(buf, n);
  int status = pclose(p);
  if (out) *out = output;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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
  std::vector<std::string> args = {VORONKA_BINARY, "--log-level", "warn", "serve", "--db", db_, "--listen",
                                   "127.0.0.1:0", "--port-file", port_file};
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

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void ServerProcess::Terminate() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace voronka::testing
