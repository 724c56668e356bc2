#include "storage/db.h"

#include "storage/postgres/pg_db.h"
#include "storage/sqlite/sqlite_db.h"

namespace voronka::storage {

int64_t Row::Int(size_t i) const {
  const Value& v = values.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::stoll(*p);
  return 0;
}
double Row::Real(size_t i) const {
  const Value& v = values.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::stod(*p);
  return 0;
}
std::string Row::Text(size_t i) const {
  const Value& v = values.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return {};
}
std::optional<int64_t> Row::MaybeInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}
std::optional<std::string> Row::MaybeText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

void Database::Write(const std::function<void(Tx&)>& fn) {
  auto tx = Begin(TxMode::kWrite);
  fn(*tx);
}

std::unique_ptr<Database> OpenDatabase(const std::string& url, const DatabaseOptions& options) {
  if (IsPostgresUrl(url)) return OpenPostgres(url, options);
  std::string path = url;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  return OpenSqlite(path, options);
}

}  // namespace voronka::storage
