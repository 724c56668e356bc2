#pragma once
// Runs the real `voronka` binary for API tests: a fresh SQLite database in a temporary
// directory, `voronka serve` on a free loopback port, SIGKILL or SIGTERM on demand.

#include <string>
#include <vector>

namespace voronka::testing {

class ServerProcess {
 public:
  // Creates a temporary directory holding the database. Does not start the server.
  ServerProcess();
  ~ServerProcess();  // stops the server (SIGKILL) and removes the directory

  // Runs `voronka ARGS... --db DB` to completion; returns the exit code, stdout in *out.
  int RunCli(const std::vector<std::string>& args, std::string* out = nullptr) const;

  // Creates a user through the CLI; returns its id (the order of creation, from 1).
  void AddUser(const std::string& email, const std::string& role, const std::string& password = "secret-pass",
               const std::string& name = "", bool takes_leads = false) const;

  // Starts `voronka serve` and waits until it listens. Extra args are appended.
  void Start(const std::vector<std::string>& extra = {});
  void Kill();       // SIGKILL, as a crash
  void Terminate();  // SIGTERM, graceful; waits for exit
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  const std::string& db_path() const { return db_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, db_;
  int pid_ = -1;
  int port_ = 0;
};

}  // namespace voronka::testing
