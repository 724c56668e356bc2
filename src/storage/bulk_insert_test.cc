// Multi-row inserts keep every row, in the order they were added.

#include "storage/bulk_insert.h"

#include <gtest/gtest.h>

#include "storage/test_db.h"

namespace voronka::storage {
namespace {

TEST(BulkInsert, WritesEveryRowInOrderWhateverTheCount) {
  TestDb t;
  for (int n : {0, 1, 63, 64, 100, 257}) {
    auto tx = t.db().Begin(TxMode::kWrite);
    tx->Exec("DELETE FROM process_log");
    BulkInsert log("process_log", "deal_id, at, user_id, event, effect", 5);
    for (int i = 0; i < n; ++i) log.Add({int64_t(i), int64_t(1000 + i), Null(), "timer t", "effect " + std::to_string(i)});
    EXPECT_EQ(log.size(), static_cast<size_t>(n));
    log.Flush(*tx);
    EXPECT_EQ(log.size(), 0u);
    auto rows = tx->Query("SELECT deal_id, at, user_id, effect FROM process_log ORDER BY id");
    ASSERT_EQ(rows.size(), static_cast<size_t>(n)) << n << " rows added";
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(rows[i].Int(0), i);
      EXPECT_EQ(rows[i].Int(1), 1000 + i);
      EXPECT_TRUE(rows[i].IsNull(2));
      EXPECT_EQ(rows[i].Text(3), "effect " + std::to_string(i));
    }
    tx->Commit();
  }
}

TEST(BulkInsert, TruncateDropsTheRowsOfAnUndoneCard) {
  TestDb t;
  auto tx = t.db().Begin(TxMode::kWrite);
  BulkInsert log("process_log", "deal_id, at, user_id, event, effect", 5);
  log.Add({int64_t(1), int64_t(1), Null(), "e", "kept"});
  size_t mark = log.size();
  log.Add({int64_t(2), int64_t(1), Null(), "e", "undone"});
  log.Add({int64_t(2), int64_t(1), Null(), "e", "undone too"});
  log.Truncate(mark);
  log.Flush(*tx);
  auto rows = tx->Query("SELECT effect FROM process_log");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "kept");
}

TEST(BulkInsert, ARowOfTheWrongWidthIsABug) {
  BulkInsert log("process_log", "deal_id, at, user_id, event, effect", 5);
  EXPECT_THROW(log.Add({int64_t(1), int64_t(2)}), std::logic_error);
}

}  // namespace
}  // namespace voronka::storage
