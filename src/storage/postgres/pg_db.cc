#include "storage/postgres/pg_db.h"

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

namespace voronka::storage {
namespace {

using Kind = DbError::Kind;

// A connection that has prepared this many distinct statements is replaced (SQL built with
// inline id lists would otherwise grow the server's memory without bound).
constexpr size_t kMaxStatements = 2000;
constexpr auto kPoolWait = std::chrono::seconds(30);
constexpr int kWriteAttempts = 5;

// Type OIDs (src/include/catalog/pg_type.dat).
constexpr pqxx::oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26, kJsonOid = 114,
                    kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700, kJsonbOid = 3802;

// A DbError that also says whether the connection is gone and whether the transaction may
// succeed if run again.
class PgError : public DbError {
 public:
  PgError(Kind kind, const std::string& what, bool broken, bool retry)
      : DbError(kind, what), broken_(broken), retry_(retry) {}
  bool broken() const { return broken_; }
  bool retry() const { return retry_; }

 private:
  bool broken_, retry_;
};

std::string OneLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

// Translates the exception being handled into a PgError. `sql` is quoted in the message.
[[noreturn]] void Rethrow(std::string_view sql) {
  std::string where = sql.empty() ? "" : " [" + std::string(sql.substr(0, 200)) + "]";
  try {
    throw;
  } catch (const PgError&) {
    throw;
  } catch (const pqxx::broken_connection& e) {
    throw PgError(Kind::kUnavailable, "PostgreSQL is unavailable: " + OneLine(e.what()), true, false);
  } catch (const pqxx::in_doubt_error& e) {
    throw PgError(Kind::kUnavailable, "PostgreSQL connection lost during COMMIT: " + OneLine(e.what()), true, false);
  } catch (const pqxx::statement_completion_unknown& e) {
    throw PgError(Kind::kUnavailable, "PostgreSQL connection lost: " + OneLine(e.what()), true, false);
  } catch (const pqxx::transaction_rollback& e) {  // deadlock, serialisation failure
    throw PgError(Kind::kUnavailable, "PostgreSQL: " + OneLine(e.what()) + where, false, true);
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    std::string msg = "PostgreSQL: " + OneLine(e.what()) + where;
    if (state == "23505") throw PgError(Kind::kUnique, msg, false, true);
    if (state == "40001" || state == "40P01") throw PgError(Kind::kUnavailable, msg, false, true);
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03")
      throw PgError(Kind::kUnavailable, msg, true, false);
    if (state.rfind("53", 0) == 0) throw PgError(Kind::kUnavailable, msg, false, false);
    throw PgError(Kind::kOther, msg, false, false);
  } catch (const std::exception& e) {
    throw PgError(Kind::kOther, "PostgreSQL: " + OneLine(e.what()) + where, false, false);
  }
}

std::string ToParam(const Value& v) {
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, *p);
    return std::string(buf, r.ptr);
  }
  return std::get<std::string>(v);
}

Value FromField(const pqxx::field& f, pqxx::oid type) {
  if (f.is_null()) return std::monostate{};
  const char* s = f.c_str();
  size_t n = f.size();
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      int64_t v = 0;
      std::from_chars(s, s + n, v);
      return v;
    }
    case kBoolOid:
      return int64_t(s[0] == 't' ? 1 : 0);
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(s, nullptr);
    case kNumericOid: {
      int64_t v = 0;
      auto r = std::from_chars(s, s + n, v);
      if (r.ec == std::errc() && r.ptr == s + n) return v;
      return std::strtod(s, nullptr);
    }
    case kJsonOid:
    case kJsonbOid: {
      // jsonb prints `["a", "b"]`; callers and exports expect what was stored: compact JSON.
      auto parsed = nlohmann::json::parse(s, s + n, nullptr, false);
      if (!parsed.is_discarded()) return parsed.dump();
      return std::string(s, n);
    }
    default:
      return std::string(s, n);
  }
}

Rows Convert(const pqxx::result& r) {
  Rows rows;
  const auto ncol = r.columns();
  std::vector<pqxx::oid> types(ncol);
  for (pqxx::row::size_type c = 0; c < ncol; ++c) {
    rows.columns.emplace_back(r.column_name(c));
    types[c] = r.column_type(c);
  }
  rows.rows.reserve(r.size());
  for (const auto& tuple : r) {
    Row row;
    row.values.reserve(ncol);
    for (pqxx::row::size_type c = 0; c < ncol; ++c) row.values.push_back(FromField(tuple[c], types[c]));
    rows.rows.push_back(std::move(row));
  }
  return rows;
}

class Connection {
 public:
  explicit Connection(const std::string& conninfo) : conn_(conninfo) { conn_.set_client_encoding("UTF8"); }

  void Begin(const char* begin_sql) {
    work_.emplace(conn_);
    Script(begin_sql);
  }
  void End() { work_.reset(); }

  pqxx::result Run(std::string_view sql, const std::vector<Value>& params) {
    try {
      auto it = statements_.find(sql);
      if (it == statements_.end()) {
        std::string name = "v" + std::to_string(statements_.size());
        conn_.prepare(name, PgPlaceholders(sql));
        it = statements_.emplace(std::string(sql), std::move(name)).first;
      }
      std::vector<std::string> texts(params.size());
      std::vector<const char*> ptrs(params.size(), nullptr);
      for (size_t i = 0; i < params.size(); ++i) {
        if (std::holds_alternative<std::monostate>(params[i])) continue;
        texts[i] = ToParam(params[i]);
        ptrs[i] = texts[i].c_str();
      }
      return work_->exec_prepared(it->second, pqxx::prepare::make_dynamic_params(ptrs));
    } catch (...) {
      Fail(sql);
    }
  }

  pqxx::result Script(std::string_view sql) {
    try {
      return work_->exec(std::string(sql));
    } catch (...) {
      Fail(sql);
    }
  }

  // Fit to go back to the pool.
  bool usable() const { return !broken_ && conn_.is_open() && statements_.size() <= kMaxStatements; }
  void MarkBroken() { broken_ = true; }

 private:
  [[noreturn]] void Fail(std::string_view sql) {
    try {
      Rethrow(sql);
    } catch (const PgError& e) {
      if (e.broken()) broken_ = true;
      throw;
    }
  }

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  pqxx::connection conn_;
  std::optional<pqxx::nontransaction> work_;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> statements_;
  bool broken_ = false;
};

class PgDatabase;

class PgTx final : public Tx {
 public:
  PgTx(PgDatabase& db, std::unique_ptr<Connection> conn) : db_(db), conn_(std::move(conn)) {}
  ~PgTx() override;
  Rows Query(std::string_view sql, const std::vector<Value>& params) override {
    return Convert(Conn().Run(sql, params));
  }
  int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
    return static_cast<int64_t>(Conn().Run(sql, params).affected_rows());
  }
  void ExecScript(std::string_view sql) override { Conn().Script(sql); }
  // Like SQLite's: the connection goes back to the pool here, not when the Tx is destroyed.
  void Commit() override {
    Conn().Script("COMMIT");
    Finish();
  }
  Dialect dialect() const override { return Dialect::kPostgres; }

 private:
  Connection& Conn() {
    if (!conn_) throw DbError(Kind::kOther, "transaction already finished");
    return *conn_;
  }
  void Finish();

  PgDatabase& db_;
  std::unique_ptr<Connection> conn_;
};

class PgDatabase final : public Database {
 public:
  PgDatabase(std::string conninfo, const DatabaseOptions& options)
      : conninfo_(std::move(conninfo)), max_(std::max(1, options.pool_size)) {
    idle_.push_back(Connect());
    open_ = 1;
  }

  std::unique_ptr<Tx> Begin(TxMode mode) override {
    const char* begin = mode == TxMode::kRead ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
    for (int attempt = 0;; ++attempt) {
      auto conn = Acquire();
      try {
        conn->Begin(begin);
        return std::make_unique<PgTx>(*this, std::move(conn));
      } catch (const PgError& e) {
        Release(std::move(conn));
        // The server went away since this idle connection was last used (a restart): the
        // other idle ones are dead too. One fresh connection decides whether it is back.
        if (e.broken() && attempt == 0) {
          DropIdle();
          continue;
        }
        throw;
      }
    }
  }

  Dialect dialect() const override { return Dialect::kPostgres; }
  PoolStats pool_stats() override {
    std::lock_guard lock(mu_);
    return {open_, open_ - static_cast<int>(idle_.size()), max_};
  }

  void Write(const std::function<void(Tx&)>& fn) override {
    for (int attempt = 1;; ++attempt) {
      try {
        auto tx = Begin(TxMode::kWrite);
        fn(*tx);
        return;
      } catch (const PgError& e) {
        if (!e.retry() || attempt >= kWriteAttempts) throw;
      }
      thread_local std::minstd_rand rng(std::random_device{}());
      std::this_thread::sleep_for(
          std::chrono::microseconds(std::uniform_int_distribution<int>(0, 2000 << attempt)(rng)));
    }
  }

  void Release(std::unique_ptr<Connection> conn) {
    conn->End();
    bool keep = conn->usable();
    {
      std::lock_guard lock(mu_);
      if (keep)
        idle_.push_back(std::move(conn));
      else
        --open_;
    }
    cv_.notify_one();
    conn.reset();  // a dropped connection is closed outside the lock
  }

 private:
  std::unique_ptr<Connection> Connect() {
    try {
      return std::make_unique<Connection>(conninfo_);
    } catch (...) {
      Rethrow("");
    }
  }

  std::unique_ptr<Connection> Acquire() {
    std::unique_lock lock(mu_);
    auto deadline = std::chrono::steady_clock::now() + kPoolWait;
    for (;;) {
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
      if (open_ < max_) {
        ++open_;
        lock.unlock();
        try {
          return Connect();
        } catch (...) {
          {
            std::lock_guard relock(mu_);
            --open_;
          }
          cv_.notify_one();
          throw;
        }
      }
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= max_)
        throw DbError(Kind::kUnavailable,
                      "all " + std::to_string(max_) + " PostgreSQL connections stayed busy for 30 s");
    }
  }

  void DropIdle() {
    std::vector<std::unique_ptr<Connection>> dead;
    {
      std::lock_guard lock(mu_);
      dead.swap(idle_);
      open_ -= static_cast<int>(dead.size());
    }
    cv_.notify_all();
  }

  std::string conninfo_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
  const int max_;
};

PgTx::~PgTx() {
  if (!conn_) return;
  try {
    conn_->Script("ROLLBACK");
  } catch (...) {
    conn_->MarkBroken();  // in an unknown state: never reuse it
  }
  Finish();
}

void PgTx::Finish() {
  if (conn_) db_.Release(std::move(conn_));
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  return StartsWith(url, "postgresql://") || StartsWith(url, "postgres://") || StartsWith(url, "postgres:") ||
         StartsWith(url, "postgresql:");
}

std::string PgConnInfo(std::string_view url) {
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) return std::string(url);
  if (StartsWith(url, "postgresql:")) return std::string(url.substr(11));
  if (StartsWith(url, "postgres:")) return std::string(url.substr(9));
  return std::string(url);
}

std::unique_ptr<Database> OpenPostgres(const std::string& url, const DatabaseOptions& options) {
  return std::make_unique<PgDatabase>(PgConnInfo(url), options);
}

std::string PgPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  const size_t size = sql.size();
  for (size_t i = 0; i < size; ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // a string or quoted name; a doubled quote stays inside
      size_t j = i + 1;
      while (j < size) {
        if (sql[j] == c) {
          if (j + 1 < size && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      size_t end = std::min(j + 1, size);
      out.append(sql.substr(i, end - i));
      i = end - 1;
    } else if (c == '-' && i + 1 < size && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      end = end == std::string_view::npos ? size : end;
      out.append(sql.substr(i, end - i));
      i = end - 1;
    } else if (c == '/' && i + 1 < size && sql[i + 1] == '*') {
      size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? size : end + 2;
      out.append(sql.substr(i, end - i));
      i = end - 1;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

void PgExecOutsideTransaction(const std::string& url, const std::string& sql) {
  try {
    pqxx::connection conn(PgConnInfo(url));
    pqxx::nontransaction work(conn);
    work.exec(sql);
  } catch (...) {
    Rethrow(sql);
  }
}

}  // namespace voronka::storage
