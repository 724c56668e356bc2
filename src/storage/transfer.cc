#include "storage/transfer.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "storage/migrate.h"

namespace voronka::storage {

using nlohmann::json;

namespace {

constexpr int kFormat = 1;
constexpr size_t kPage = 2000;      // rows read per query when exporting
constexpr size_t kBatchRows = 100;  // rows per INSERT when importing

// Tables the shipped schema fills at migration: the export's rows replace them.
bool PrefilledByMigration(const std::string& table) {
  return table == "schema_migrations" || table == "process_definitions";
}

std::string Quote(const std::string& name) {
  std::string q = "\"";
  for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// The catalogue is the one engine-specific part: names of tables and of their columns.
std::vector<std::string> Tables(Tx& tx) {
  Rows rows =
      tx.dialect() == Dialect::kSqlite
          ? tx.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
          : tx.Query(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.Text(0));
  std::sort(out.begin(), out.end());  // byte order, whatever the server's collation
  return out;
}

std::vector<std::string> Columns(Tx& tx, const std::string& table) {
  Rows rows = tx.dialect() == Dialect::kSqlite
                  ? tx.Query("SELECT name FROM pragma_table_info(?) ORDER BY cid", {table})
                  : tx.Query(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
                        {table});
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.Text(0));
  return out;
}

json ToJson(const Value& v) {
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<std::string>(&v)) return *p;
  return nullptr;
}

Value FromJson(const json& v) {
  if (v.is_null()) return Null();
  if (v.is_boolean()) return int64_t(v.get<bool>() ? 1 : 0);
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string EngineName(Dialect d) { return d == Dialect::kSqlite ? "sqlite" : "postgres"; }

class Loader {
 public:
  explicit Loader(Tx& tx) : tx_(tx) {}

  void Start(const std::string& table, const std::vector<std::string>& columns) {
    Flush();
    table_ = table;
    columns_ = columns;
  }
  void Add(const json& row) {
    for (const auto& v : row) params_.push_back(FromJson(v));
    if (++pending_ == kBatchRows) Flush();
  }
  void Flush() {
    if (pending_ == 0) return;
    std::string cols, one = "(";
    for (size_t i = 0; i < columns_.size(); ++i) {
      cols += (i ? ", " : "") + Quote(columns_[i]);
      one += i ? ", ?" : "?";
    }
    one += ")";
    std::string sql = "INSERT INTO " + Quote(table_) + " (" + cols + ") VALUES ";
    for (size_t r = 0; r < pending_; ++r) sql += (r ? ", " : "") + one;
    tx_.Exec(sql, params_);
    params_.clear();
    pending_ = 0;
  }

 private:
  Tx& tx_;
  std::string table_;
  std::vector<std::string> columns_;
  std::vector<Value> params_;
  size_t pending_ = 0;
};

}  // namespace

Result<TransferReport> ExportDatabase(Database& db, std::ostream& out) {
  auto tx = db.Begin(TxMode::kRead);
  TransferReport report;
  auto version = tx->Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  out << json{{"voronka_export", kFormat}, {"schema_version", version[0].Int(0)}, {"engine", EngineName(tx->dialect())}}
             .dump()
      << "\n";
  for (const auto& table : Tables(*tx)) {
    auto columns = Columns(*tx, table);
    out << json{{"table", table}, {"columns", columns}}.dump() << "\n";
    std::string select;
    for (const auto& c : columns) select += (select.empty() ? "" : ", ") + Quote(c);
    bool by_id = std::find(columns.begin(), columns.end(), "id") != columns.end();
    // Tables with an id are read in id order, a page after the last id; the others (small:
    // keys, memberships, timers) in the order of all their columns, a page at an offset.
    std::string order;
    for (size_t i = 1; i <= columns.size(); ++i) order += (i > 1 ? ", " : "") + std::to_string(i);
    int64_t n = 0, last_id = 0;
    for (size_t offset = 0;; offset += kPage) {
      Rows rows = by_id ? tx->Query("SELECT " + select + " FROM " + Quote(table) + " WHERE id > ? ORDER BY id LIMIT " +
                                        std::to_string(kPage),
                                    {last_id})
                        : tx->Query("SELECT " + select + " FROM " + Quote(table) + " ORDER BY " + order + " LIMIT " +
                                    std::to_string(kPage) + " OFFSET " + std::to_string(offset));
      for (const auto& r : rows) {
        json line = json::array();
        for (const auto& v : r.values) line.push_back(ToJson(v));
        out << line.dump() << "\n";
      }
      n += static_cast<int64_t>(rows.size());
      if (rows.size() < kPage) break;
      if (by_id) {
        size_t id_col = std::find(columns.begin(), columns.end(), "id") - columns.begin();
        last_id = rows.rows.back().Int(id_col);
      }
    }
    report.tables.emplace_back(table, n);
    report.rows += n;
  }
  out << json{{"end", true}, {"tables", report.tables.size()}, {"rows", report.rows}}.dump() << "\n";
  out.flush();
  return report;
}

Result<TransferReport> ImportDatabase(Database& db, std::istream& in) {
  int line_no = 0;
  std::string line;
  auto bad = [&](const std::string& why) {
    return Error::Invalid("in", "line " + std::to_string(line_no) + ": " + why);
  };
  auto next = [&](json* out) {
    if (!std::getline(in, line)) return false;
    ++line_no;
    *out = json::parse(line, nullptr, false);
    return true;
  };

  json header;
  if (!next(&header)) return Error::Invalid("in", "the file is empty");
  if (!header.is_object() || !header.contains("voronka_export") || header["voronka_export"] != kFormat ||
      !header.contains("schema_version") || !header["schema_version"].is_number_integer())
    return bad("not a voronka export (the first line must be {\"voronka_export\":1,\"schema_version\":…})");
  int version = header["schema_version"].get<int>();
  int current = CurrentSchemaVersion(db);
  if (version != current)
    return Error::Conflict("the export is at schema version " + std::to_string(version) + ", this database at " +
                           std::to_string(current) + "; migrate both to the same version first");

  auto tx = db.Begin(TxMode::kWrite);
  std::map<std::string, std::vector<std::string>> target;
  for (const auto& t : Tables(*tx)) {
    target[t] = Columns(*tx, t);
    if (!PrefilledByMigration(t) && !tx->Query("SELECT 1 FROM " + Quote(t) + " LIMIT 1").empty())
      return Error::Conflict("this database is not empty (table " + t + " has rows); import into a new database");
  }
  tx->Exec("DELETE FROM process_definitions");
  tx->Exec("DELETE FROM schema_migrations");  // the same versions (checked above), with their original times

  TransferReport report;
  Loader loader(*tx);
  std::string table;
  size_t width = 0;
  bool ended = false;
  std::set<std::string> seen;
  json v;
  try {
    while (next(&v)) {
      if (ended) return bad("text after the end line");
      if (v.is_array()) {
        if (table.empty()) return bad("a row before any {\"table\": …} line");
        if (v.size() != width)
          return bad("a row of " + std::to_string(v.size()) + " values in table " + table + ", which has " +
                     std::to_string(width) + " columns");
        loader.Add(v);
        ++report.tables.back().second;
        ++report.rows;
      } else if (v.is_object() && v.contains("table")) {
        table = v.value("table", "");
        if (!v["columns"].is_array() || v["columns"].empty()) return bad("table " + table + " without its columns");
        auto it = target.find(table);
        if (it == target.end()) return bad("table '" + table + "' is not in this database's schema");
        if (!seen.insert(table).second) return bad("table " + table + " appears twice");
        std::vector<std::string> columns;
        for (const auto& c : v["columns"]) {
          if (!c.is_string() ||
              std::find(it->second.begin(), it->second.end(), c.get<std::string>()) == it->second.end())
            return bad("column " + c.dump() + " is not in table " + table);
          columns.push_back(c.get<std::string>());
        }
        width = columns.size();
        loader.Start(table, columns);
        report.tables.emplace_back(table, 0);
      } else if (v.is_object() && v.value("end", false)) {
        if (v.value("rows", int64_t(-1)) != report.rows)
          return bad("the end line counts " + v["rows"].dump() + " rows, the file has " + std::to_string(report.rows));
        ended = true;
      } else {
        return bad("expected a {\"table\": …} line, a row array or the end line");
      }
    }
  } catch (const json::exception& e) {  // a field of the wrong type
    return bad(e.what());
  }
  if (!ended)
    return Error::Invalid(
        "in", "the file ends at line " + std::to_string(line_no) + " without its end line: it was cut short");
  loader.Flush();
  if (tx->dialect() == Dialect::kPostgres) {
    // BIGSERIAL ids continue after the largest id loaded (the rows carried their own ids).
    for (const auto& [t, columns] : target) {
      if (std::find(columns.begin(), columns.end(), "id") == columns.end()) continue;
      tx->Query("SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM " +
                Quote(t));
    }
  }
  tx->Commit();
  return report;
}

}  // namespace voronka::storage
