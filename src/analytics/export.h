#pragma once
// Reports as a head opens them: an Excel workbook (.xlsx, libxlsxwriter) with a bold header,
// ruble number formats and the header row frozen, or CSV (UTF-8 with BOM, ';' separated, as
// Russian Excel opens it).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace voronka::analytics {

enum class ColumnKind { kText, kInteger, kRubles /* value in kopecks */, kPercent /* value in permille */ };

struct Column {
  std::string header;
  ColumnKind kind = ColumnKind::kText;
  double width = 14;
};

using Cell = std::variant<std::monostate, int64_t, std::string>;

struct Sheet {
  std::string name;  // ≤ 31 characters, shown on the tab
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
};

// The workbook's bytes; throws std::runtime_error when libxlsxwriter fails.
std::string ToXlsx(const std::vector<Sheet>& sheets);
// One sheet as CSV: rubles as "800000.00", percent as "66.7".
std::string ToCsv(const Sheet& sheet);

}  // namespace voronka::analytics
