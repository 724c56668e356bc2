#pragma once
// For tests only: a real SMTP server on 127.0.0.1 (Debian's python3-aiosmtpd) that parses
// every message it accepts with Python's own e-mail package and writes it as JSON: envelope,
// decoded headers, header defects, decoded body and the raw text. Parsing with an independent
// implementation is the point — it checks our MIME, not our own decoder.
//
// One process per SmtpSink; the destructor kills it, and so does the kernel if the test
// binary dies first (PR_SET_PDEATHSIG). Not thread-safe.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace voronka::notify::testing {

class SmtpSink {
 public:
  static constexpr const char* kPython = "/usr/bin/python3";

  // Is Debian's python with aiosmtpd there? Tests skip when it is not.
  static bool Available() {
    return access(kPython, X_OK) == 0 && std::system("/usr/bin/python3 -c 'import aiosmtpd.main' >/dev/null 2>&1") == 0;
  }

  // A port nothing listens on right now (the kernel's pick for an ephemeral bind).
  static int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      close(fd);
      return 0;
    }
    close(fd);
    return ntohs(addr.sin_port);
  }

  explicit SmtpSink(int port = 0) : port_(port ? port : FreePort()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "voronka-smtp-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    std::filesystem::create_directory(dir_ + "/mail");
  }
  ~SmtpSink() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Starts the server and waits until it accepts connections. Returns an error text, or "".
  std::string Start() {
    std::ofstream(dir_ + "/voronka_sink.py") << kHandler;
    std::string listen = "127.0.0.1:" + std::to_string(port_);
    std::string mail = dir_ + "/mail";
    std::string log = dir_ + "/sink.log";
    std::vector<std::string> args = {kPython, "-m", "aiosmtpd", "-n", "-l", listen, "-c", "voronka_sink.JsonDir", mail};
    std::vector<std::string> env = {"PYTHONPATH=" + dir_, "PYTHONDONTWRITEBYTECODE=1"};
    for (char** e = environ; *e; ++e)
      if (std::string_view(*e).rfind("PYTHON", 0) != 0) env.emplace_back(*e);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    for (auto& e : env) envp.push_back(e.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) return "cannot create " + log + ": " + std::strerror(errno);
    pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      // The sink dies with the test binary even when a failing test never reaches ~SmtpSink.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      dup2(log_fd, 1);
      dup2(log_fd, 2);
      execve(kPython, argv.data(), envp.data());
      _exit(127);
    }
    int fork_errno = errno;
    close(log_fd);
    if (pid_ < 0) {
      pid_ = 0;
      return std::string("cannot fork: ") + std::strerror(fork_errno);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return "the SMTP sink exited: " + ReadFile(log);
      }
      if (Accepts()) return "";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    Stop();
    return "the SMTP sink did not listen on " + listen + " within 15 s: " + ReadFile(log);
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = 0;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

  // Every message accepted so far, in order of arrival.
  std::vector<nlohmann::json> Messages() const {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/mail"))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<nlohmann::json> out;
    for (const auto& f : files) out.push_back(nlohmann::json::parse(ReadFile(f.string())));
    return out;
  }

 private:
  bool Accepts() const {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  static constexpr const char* kHandler = R"PY(
import email, email.policy, json, os

class JsonDir:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("JsonDir needs the output directory")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        defects = [str(d) for d in msg.defects]
        headers = {}
        for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                     "Content-Transfer-Encoding"):
            value = msg.get(name)
            headers[name] = "" if value is None else str(value)
            defects += [name + ": " + str(d) for d in getattr(value, "defects", ())]
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "headers": headers,
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset() or "",
            "defects": defects,
            "body": msg.get_content(),
            "raw": raw.decode("latin-1"),
        }
        self.count += 1
        name = os.path.join(self.directory, "%06d.json" % self.count)
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(name + ".tmp", name)
        return "250 OK"
)PY";

  int port_ = 0;
  std::string dir_;
  pid_t pid_ = 0;
};

}  // namespace voronka::notify::testing
