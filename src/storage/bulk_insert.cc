#include "storage/bulk_insert.h"

#include <stdexcept>

namespace voronka::storage {

BulkInsert::BulkInsert(std::string table, std::string columns, size_t width)
    : table_(std::move(table)), columns_(std::move(columns)), width_(width) {}

void BulkInsert::Add(std::vector<Value> row) {
  if (row.size() != width_) throw std::logic_error("BulkInsert " + table_ + ": row of the wrong width");
  for (auto& v : row) rows_.push_back(std::move(v));
}

void BulkInsert::Truncate(size_t mark) {
  if (mark < size()) rows_.resize(mark * width_);
}

void BulkInsert::Flush(Tx& tx) {
  size_t done = 0, total = size();
  std::string marks = "(?";
  for (size_t i = 1; i < width_; ++i) marks += ", ?";
  marks += ")";
  for (size_t chunk = 64; chunk > 0; chunk /= 2) {
    if (total - done < chunk) continue;
    std::string sql = "INSERT INTO " + table_ + " (" + columns_ + ") VALUES " + marks;
    for (size_t i = 1; i < chunk; ++i) sql += ", " + marks;
    while (total - done >= chunk) {
      std::vector<Value> params(rows_.begin() + static_cast<std::ptrdiff_t>(done * width_),
                                rows_.begin() + static_cast<std::ptrdiff_t>((done + chunk) * width_));
      tx.Exec(sql, params);
      done += chunk;
    }
  }
  rows_.clear();
}

}  // namespace voronka::storage
