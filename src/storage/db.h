#pragma once
// The storage interface every engine implements (SQLite and PostgreSQL).
// SQL above this interface is portable: `?` placeholders, RETURNING, ON CONFLICT,
// no engine-specific functions. Engine differences live in the implementations
// and in the migration placeholders (see migrate.h).
//
// Thread-safety: a Database is shared by all threads; a Tx belongs to one thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace voronka::storage {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline Value Null() { return std::monostate{}; }
inline Value OptInt(const std::optional<int64_t>& v) { return v ? Value(*v) : Null(); }
inline Value OptText(const std::optional<std::string>& v) { return v ? Value(*v) : Null(); }

struct Row {
  std::vector<Value> values;

  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values.at(i)); }
  // Int/Real/Text of a NULL column are 0 / 0.0 / "".
  int64_t Int(size_t i) const;
  double Real(size_t i) const;
  std::string Text(size_t i) const;
  std::optional<int64_t> MaybeInt(size_t i) const;
  std::optional<std::string> MaybeText(size_t i) const;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
  const Row& operator[](size_t i) const { return rows[i]; }
  auto begin() const { return rows.begin(); }
  auto end() const { return rows.end(); }
};

enum class Dialect { kSqlite, kPostgres };

// Thrown by implementations. kUnique: a UNIQUE / PRIMARY KEY constraint failed;
// kUnavailable: the engine cannot be reached or is locked beyond the timeout.
class DbError : public std::runtime_error {
 public:
  enum class Kind { kUnique, kUnavailable, kOther };
  DbError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

enum class TxMode { kRead, kWrite };

// The connection pool right now (for /metrics): connections open, lent to a transaction, and
// the most the pool opens.
struct PoolStats {
  int open = 0;
  int in_use = 0;
  int max = 0;
};

// A transaction. Destroying an uncommitted Tx rolls it back.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Rows Query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Returns the number of rows changed.
  virtual int64_t Exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs several `;`-separated statements without parameters (migrations).
  virtual void ExecScript(std::string_view sql) = 0;
  virtual void Commit() = 0;
  virtual Dialect dialect() const = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  // kWrite transactions are serialised by the engine; a kRead one sees a consistent snapshot.
  virtual std::unique_ptr<Tx> Begin(TxMode mode) = 0;
  virtual Dialect dialect() const = 0;
  virtual PoolStats pool_stats() { return {}; }

  // Runs `fn` in a write transaction and returns once its changes are durable. `fn` keeps
  // its changes by calling tx.Commit() (its last use of tx); returning without committing,
  // or throwing, undoes them, and the exception is rethrown here. An engine may run several
  // callers' functions in one transaction (group commit), each in its own savepoint, so `fn`
  // must write only through `tx` and must not open another write transaction. An engine may
  // also run `fn` again after a transient conflict (PostgreSQL: unique violation, deadlock),
  // so `fn` must leave nothing behind but its writes through `tx` and what it returns.
  virtual void Write(const std::function<void(Tx&)>& fn);
};

struct DatabaseOptions {
  int pool_size = 8;
};

// Opens "path/to/file.db" or "sqlite:path" (SQLite, created if missing), or PostgreSQL for
// "postgresql://…", "postgres://…" and "postgres:KEY=VALUE …" (see postgres/pg_db.h).
// Throws DbError(kUnavailable) when it cannot be opened.
std::unique_ptr<Database> OpenDatabase(const std::string& url, const DatabaseOptions& options = {});

}  // namespace voronka::storage
