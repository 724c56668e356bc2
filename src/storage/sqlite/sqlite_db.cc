#include "storage/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <unordered_map>

namespace voronka::storage {
namespace {

class Connection {
 public:
  Connection(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw DbError(DbError::Kind::kUnavailable, "cannot open SQLite database '" + path + "': " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    Script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
           "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32000;");
  }
  ~Connection() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }

  void Script(std::string_view sql) {
    char* err = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw DbError(Classify(sqlite3_extended_errcode(db_)), "SQLite: " + msg);
    }
  }

  Rows Run(std::string_view sql, const std::vector<Value>& params, int64_t* changes) {
    sqlite3_stmt* st = Prepare(sql);
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() { sqlite3_reset(s), sqlite3_clear_bindings(s); }
    } reset{st};
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Value& v = params[i];
      int rc;
      if (std::holds_alternative<std::monostate>(v)) rc = sqlite3_bind_null(st, idx);
      else if (auto p = std::get_if<int64_t>(&v)) rc = sqlite3_bind_int64(st, idx, *p);
      else if (auto p = std::get_if<double>(&v)) rc = sqlite3_bind_double(st, idx, *p);
      else {
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) Fail("bind", sql);
    }
    Rows rows;
    int ncol = sqlite3_column_count(st);
    for (int c = 0; c < ncol; ++c) rows.columns.emplace_back(sqlite3_column_name(st, c));
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) Fail("step", sql);
      Row row;
      row.values.reserve(ncol);
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_INTEGER: row.values.emplace_back(int64_t(sqlite3_column_int64(st, c))); break;
          case SQLITE_FLOAT: row.values.emplace_back(sqlite3_column_double(st, c)); break;
          case SQLITE_NULL: row.values.emplace_back(std::monostate{}); break;
          default: {
            auto p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            row.values.emplace_back(std::string(p, sqlite3_column_bytes(st, c)));
          }
        }
      }
      rows.rows.push_back(std::move(row));
    }
    if (changes) *changes = sqlite3_changes64(db_);
    return rows;
  }

 private:
  static DbError::Kind Classify(int ext) {
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) return DbError::Kind::kUnique;
    int prim = ext & 0xff;
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED || prim == SQLITE_CANTOPEN || prim == SQLITE_IOERR ||
        prim == SQLITE_FULL)
      return DbError::Kind::kUnavailable;
    return DbError::Kind::kOther;
  }
  [[noreturn]] void Fail(const char* what, std::string_view sql) {
    throw DbError(Classify(sqlite3_extended_errcode(db_)),
                  std::string("SQLite ") + what + ": " + sqlite3_errmsg(db_) + " [" + std::string(sql.substr(0, 200)) + "]");
  }
  sqlite3_stmt* Prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st,
                           nullptr) != SQLITE_OK)
      Fail("prepare", sql);
    if (cache_.size() > 512) {
      for (auto& [k, s] : cache_) sqlite3_finalize(s);
      cache_.clear();
    }
    cache_.emplace(std::string(sql), st);
    return st;
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteDatabase;

// One caller's share of a group-committed transaction: a savepoint on the shared connection.
class SavepointTx final : public Tx {
 public:
  explicit SavepointTx(Connection& conn) : conn_(conn) {}
  Rows Query(std::string_view sql, const std::vector<Value>& params) override { return Live().Run(sql, params, nullptr); }
  int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
    int64_t changes = 0;
    Live().Run(sql, params, &changes);
    return changes;
  }
  void ExecScript(std::string_view sql) override { Live().Script(sql); }
  void Commit() override { Live(), kept_ = true; }
  Dialect dialect() const override { return Dialect::kSqlite; }
  bool kept() const { return kept_; }

 private:
  Connection& Live() {
    if (kept_) throw DbError(DbError::Kind::kOther, "transaction already committed");
    return conn_;
  }
  Connection& conn_;
  bool kept_ = false;
};

struct WriteJob {
  const std::function<void(Tx&)>* fn;
  std::exception_ptr error;
  bool done = false;
  std::condition_variable cv;  // wakes this caller only (no thundering herd)
};

class SqliteTx final : public Tx {
 public:
  SqliteTx(SqliteDatabase& db, std::unique_ptr<Connection> conn, TxMode mode);
  ~SqliteTx() override;
  Rows Query(std::string_view sql, const std::vector<Value>& params) override {
    return Conn().Run(sql, params, nullptr);
  }
  int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
    int64_t changes = 0;
    Conn().Run(sql, params, &changes);
    return changes;
  }
  void ExecScript(std::string_view sql) override { Conn().Script(sql); }
  // Commit ends the transaction at once: the connection (and for a write transaction the
  // write lock) is released here, not when the Tx object is destroyed.
  void Commit() override {
    if (!conn_) throw DbError(DbError::Kind::kOther, "transaction already finished");
    conn_->Script("COMMIT");
    done_ = true;
    Finish();
  }
  Dialect dialect() const override { return Dialect::kSqlite; }

 private:
  Connection& Conn() {
    if (!conn_) throw DbError(DbError::Kind::kOther, "transaction already finished");
    return *conn_;
  }
  void Finish();

  SqliteDatabase& db_;
  std::unique_ptr<Connection> conn_;
  TxMode mode_;
  bool done_ = false;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, const DatabaseOptions& options) : path_(std::move(path)) {
    // Open one connection now so that a bad path fails at start, not at the first request.
    idle_.push_back(std::make_unique<Connection>(path_));
    max_ = std::max(1, options.pool_size);
  }

  std::unique_ptr<Tx> Begin(TxMode mode) override {
    if (mode == TxMode::kWrite) write_mu_.lock();
    try {
      return std::make_unique<SqliteTx>(*this, Acquire(), mode);
    } catch (...) {
      if (mode == TxMode::kWrite) write_mu_.unlock();
      throw;
    }
  }
  Dialect dialect() const override { return Dialect::kSqlite; }
  PoolStats pool_stats() override {
    std::lock_guard lock(mu_);
    return {open_, open_ - static_cast<int>(idle_.size()), max_};
  }

  // Group commit, leader/follower: the first waiting caller runs every queued job in one
  // transaction (one savepoint each) and one COMMIT, so many requests share one WAL sync.
  void Write(const std::function<void(Tx&)>& fn) override {
    WriteJob job{&fn, nullptr, false, {}};
    std::unique_lock lock(queue_mu_);
    queue_.push_back(&job);
    while (!job.done) {
      if (leader_active_) {
        job.cv.wait(lock);
        continue;
      }
      leader_active_ = true;
      std::vector<WriteJob*> batch;
      while (!queue_.empty() && batch.size() < 256) batch.push_back(queue_.front()), queue_.pop_front();
      lock.unlock();
      RunBatch(batch);
      lock.lock();
      leader_active_ = false;
      for (auto* j : batch) {
        j->done = true;
        if (j != &job) j->cv.notify_one();
      }
      if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next leader
    }
    lock.unlock();
    if (job.error) std::rethrow_exception(job.error);
  }

  std::unique_ptr<Connection> Acquire() {
    std::unique_lock lock(mu_);
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
          return std::make_unique<Connection>(path_);
        } catch (...) {
          std::lock_guard relock(mu_);
          --open_;
          throw;
        }
      }
      cv_.wait(lock);
    }
  }
  void Release(std::unique_ptr<Connection> c, TxMode mode) {
    {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(c));
    }
    cv_.notify_one();
    if (mode == TxMode::kWrite) write_mu_.unlock();
  }

 private:
  void RunBatch(const std::vector<WriteJob*>& batch) {
    std::unique_ptr<Connection> conn;
    write_mu_.lock();
    try {
      conn = Acquire();
      conn->Script("BEGIN IMMEDIATE");
    } catch (...) {
      if (conn) Release(std::move(conn), TxMode::kWrite);
      else write_mu_.unlock();
      for (auto* j : batch) j->error = std::current_exception();
      return;
    }
    for (auto* job : batch) {
      conn->Script("SAVEPOINT job");
      SavepointTx tx(*conn);
      try {
        (*job->fn)(tx);
      } catch (...) {
        job->error = std::current_exception();
      }
      if (!tx.kept() || job->error) conn->Script("ROLLBACK TO job");
      conn->Script("RELEASE job");
    }
    try {
      conn->Script("COMMIT");
    } catch (...) {
      auto error = std::current_exception();
      try {
        conn->Script("ROLLBACK");
      } catch (...) {
      }
      for (auto* j : batch)
        if (!j->error) j->error = error;
    }
    Release(std::move(conn), TxMode::kWrite);
  }

  std::string path_;
  std::mutex queue_mu_;
  std::deque<WriteJob*> queue_;
  bool leader_active_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 1;
  int max_ = 8;
  std::mutex write_mu_;
};

SqliteTx::SqliteTx(SqliteDatabase& db, std::unique_ptr<Connection> conn, TxMode mode)
    : db_(db), conn_(std::move(conn)), mode_(mode) {
  try {
    conn_->Script(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
  } catch (...) {
    db_.Release(std::move(conn_), mode_);
    throw;
  }
}

void SqliteTx::Finish() {
  if (conn_) db_.Release(std::move(conn_), mode_);
}

SqliteTx::~SqliteTx() {
  if (!conn_) return;
  if (!done_) {
    try {
      conn_->Script("ROLLBACK");
    } catch (...) {
      // Nothing to undo if the transaction already ended (e.g. COMMIT failed and SQLite rolled back).
    }
  }
  Finish();
}

}  // namespace

std::unique_ptr<Database> OpenSqlite(const std::string& path, const DatabaseOptions& options) {
  return std::make_unique<SqliteDatabase>(path, options);
}

}  // namespace voronka::storage
