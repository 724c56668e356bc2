#pragma once
// Text helpers: case folding for search and normalisation of phones and e-mails,
// so that the same person typed two ways is found as one contact.

#include <optional>
#include <string>
#include <string_view>

namespace voronka {

// Lower-cases ASCII and Cyrillic (А–Я, Ё) letters of a UTF-8 string; other bytes unchanged.
std::string FoldCase(std::string_view text);

// Trims ASCII whitespace at both ends.
std::string_view Trim(std::string_view text);

// Normalises a phone number to E.164 ("+79161234567").
// Russian forms: "8 (916) 123-45-67", "+7 916 123 45 67", "9161234567" → "+79161234567".
// Other countries need a leading "+". Returns nullopt when the text is not a phone number
// (letters, fewer than 10 or more than 15 digits).
std::optional<std::string> NormalizePhone(std::string_view text);

// Trims and lower-cases an e-mail address; nullopt unless it looks like local@domain.tld.
std::optional<std::string> NormalizeEmail(std::string_view text);

// True when the bytes are valid UTF-8.
bool IsValidUtf8(std::string_view text);

// Where a text first stops being valid UTF-8: the line (0-based) and the byte offset of its
// start; nullopt for valid text. For configuration linters, which name the line.
struct TextPosition {
  int line = 0;
  size_t offset = 0;
};
std::optional<TextPosition> FirstNonUtf8Line(std::string_view text);

}  // namespace voronka
