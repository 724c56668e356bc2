#include "analytics/export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace voronka::analytics {

namespace {

std::string CsvField(const std::string& s) {
  if (s.find_first_of(";\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Fixed(int64_t v, int64_t scale, int decimals) {
  std::string sign = v < 0 ? "-" : "";
  v = std::llabs(v);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lld.%0*lld", sign.c_str(), static_cast<long long>(v / scale), decimals,
                static_cast<long long>(v % scale));
  return buf;
}

}  // namespace

std::string ToCsv(const Sheet& sheet) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t i = 0; i < sheet.columns.size(); ++i) out += (i ? ";" : "") + CsvField(sheet.columns[i].header);
  out += "\r\n";
  for (const auto& row : sheet.rows) {
    for (size_t i = 0; i < sheet.columns.size(); ++i) {
      if (i) out += ";";
      const Cell& c = i < row.size() ? row[i] : Cell{};
      if (const auto* s = std::get_if<std::string>(&c)) out += CsvField(*s);
      else if (const auto* n = std::get_if<int64_t>(&c)) {
        switch (sheet.columns[i].kind) {
          case ColumnKind::kRubles: out += Fixed(*n, 100, 2); break;
          case ColumnKind::kPercent: out += Fixed(*n, 10, 1); break;
          default: out += std::to_string(*n);
        }
      }
    }
    out += "\r\n";
  }
  return out;
}

std::string ToXlsx(const std::vector<Sheet>& sheets) {
  char path[] = "/tmp/voronka-xlsx-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("cannot create a temporary file for the workbook");
  close(fd);
  lxw_workbook* wb = workbook_new(path);
  if (!wb) {
    std::remove(path);
    throw std::runtime_error("libxlsxwriter could not start a workbook");
  }
  lxw_format* header = workbook_add_format(wb);
  format_set_bold(header);
  format_set_bg_color(header, 0xE8EEF7);
  format_set_bottom(header, LXW_BORDER_THIN);
  format_set_text_wrap(header);
  format_set_align(header, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* rubles = workbook_add_format(wb);
  format_set_num_format(rubles, "#,##0.00 \"₽\"");
  lxw_format* percent = workbook_add_format(wb);
  format_set_num_format(percent, "0.0%");
  lxw_format* integer = workbook_add_format(wb);
  format_set_num_format(integer, "#,##0");
  for (const auto& sheet : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.c_str());
    if (!ws) continue;
    for (size_t c = 0; c < sheet.columns.size(); ++c) {
      const Column& col = sheet.columns[c];
      lxw_format* f = col.kind == ColumnKind::kRubles    ? rubles
                      : col.kind == ColumnKind::kPercent ? percent
                      : col.kind == ColumnKind::kInteger ? integer
                                                         : nullptr;
      worksheet_set_column(ws, c, c, col.width, f);
      worksheet_write_string(ws, 0, c, col.header.c_str(), header);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      for (size_t c = 0; c < sheet.columns.size() && c < sheet.rows[r].size(); ++c) {
        const Cell& cell = sheet.rows[r][c];
        lxw_row_t row = static_cast<lxw_row_t>(r + 1);
        if (const auto* s = std::get_if<std::string>(&cell)) {
          worksheet_write_string(ws, row, c, s->c_str(), nullptr);
        } else if (const auto* n = std::get_if<int64_t>(&cell)) {
          double v = static_cast<double>(*n);
          switch (sheet.columns[c].kind) {
            case ColumnKind::kRubles: worksheet_write_number(ws, row, c, v / 100.0, rubles); break;
            case ColumnKind::kPercent: worksheet_write_number(ws, row, c, v / 1000.0, percent); break;
            default: worksheet_write_number(ws, row, c, v, integer);
          }
        }
      }
    }
  }
  lxw_error err = workbook_close(wb);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::remove(path);
  if (err != LXW_NO_ERROR) throw std::runtime_error(std::string("libxlsxwriter: ") + lxw_strerror(err));
  return bytes.str();
}

}  // namespace voronka::analytics
