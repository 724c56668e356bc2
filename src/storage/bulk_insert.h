#pragma once
// Rows for one append-only table, kept in memory and written as multi-row INSERTs.
// Used where many rows go to the same table in one transaction (a page of fired timers):
// one statement per 64 rows instead of one per row. The rows keep their order, so ids
// follow the order of Add. Nothing may read these rows before Flush.

#include <cstddef>
#include <string>
#include <vector>

#include "storage/db.h"

namespace voronka::storage {

class BulkInsert {
 public:
  // `columns`: "a, b, c"; every row added must have exactly that many values.
  BulkInsert(std::string table, std::string columns, size_t width);

  void Add(std::vector<Value> row);
  size_t size() const { return rows_.size() / width_; }
  // Drops the rows added after size() was `mark` (a card whose writes were undone).
  void Truncate(size_t mark);
  // Writes every held row in the transaction and empties the buffer. Statements have
  // 64, 32, …, 1 rows, so a handful of texts covers every count (the statement cache stays small).
  void Flush(Tx& tx);

 private:
  std::string table_, columns_;
  size_t width_;
  std::vector<Value> rows_;  // row-major
};

}  // namespace voronka::storage
