#include "common/text.h"

#include <algorithm>
#include <cctype>

namespace voronka {

std::string FoldCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      out.push_back(static_cast<char>(std::tolower(c)));
      continue;
    }
    if (i + 1 < s.size()) {
      unsigned char c2 = s[i + 1];
      // U+0410..U+041F (А..П): D0 90..D0 9F → D0 B0..D0 BF
      if (c == 0xD0 && c2 >= 0x90 && c2 <= 0x9F) {
        out.push_back(char(0xD0)), out.push_back(char(c2 + 0x20)), ++i;
        continue;
      }
      // U+0420..U+042F (Р..Я): D0 A0..D0 AF → D1 80..D1 8F
      if (c == 0xD0 && c2 >= 0xA0 && c2 <= 0xAF) {
        out.push_back(char(0xD1)), out.push_back(char(c2 - 0x20)), ++i;
        continue;
      }
      // Ё U+0401: D0 81 → ё U+0451: D1 91
      if (c == 0xD0 && c2 == 0x81) {
        out.push_back(char(0xD1)), out.push_back(char(0x91)), ++i;
        continue;
      }
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::optional<std::string> NormalizePhone(std::string_view text) {
  text = Trim(text);
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') {
      continue;
    } else {
      return std::nullopt;
    }
  }
  if (digits.size() < 10 || digits.size() > 15) return std::nullopt;
  if (!plus) {
    if (digits.size() == 11 && (digits[0] == '8' || digits[0] == '7')) {
      digits[0] = '7';
    } else if (digits.size() == 10) {
      digits.insert(digits.begin(), '7');
    } else {
      return std::nullopt;  // foreign numbers must carry their "+"
    }
  } else if (digits.size() < 11) {
    return std::nullopt;  // "+" plus 10 digits has no country code we can trust
  }
  return "+" + digits;
}

std::optional<std::string> NormalizeEmail(std::string_view text) {
  text = Trim(text);
  if (text.size() < 5 || text.size() > 254) return std::nullopt;
  auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos)
    return std::nullopt;
  auto domain = text.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 3 > domain.size()) return std::nullopt;  // TLD of 2+
  if (domain.find("..") != std::string_view::npos) return std::nullopt;
  for (unsigned char c : text)
    if (c <= ' ' || c == '"' || c == ',' || c == ';' || c == '<' || c == '>' || c == '\\')
      return std::nullopt;
  return FoldCase(text);
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n;
    if (c < 0x80) n = 0;
    else if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c >= 0xE0 && c <= 0xEF) n = 2;
    else if (c >= 0xF0 && c <= 0xF4) n = 3;
    else return false;
    if (i + n >= s.size() && n > 0) return false;
    for (size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n + 1;
  }
  return true;
}

std::optional<TextPosition> FirstNonUtf8Line(std::string_view text) {
  for (size_t start = 0, line = 0; start <= text.size(); ++line) {
    size_t end = std::min(text.find('\n', start), text.size());
    if (!IsValidUtf8(text.substr(start, end - start))) return TextPosition{static_cast<int>(line), start};
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace voronka
