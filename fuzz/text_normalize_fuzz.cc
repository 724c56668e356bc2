// Phone and e-mail normalisation and case folding (common/text): any bytes in, and what comes
// out is stable — normalising a normalised value gives it back unchanged (contacts are found
// by these values, so a value that changed on the second pass would make duplicates).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/text.h"

using namespace voronka;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto phone = NormalizePhone(text)) {
    auto again = NormalizePhone(*phone);
    if (!again || *again != *phone) std::abort();
  }
  if (auto email = NormalizeEmail(text)) {
    auto again = NormalizeEmail(*email);
    if (!again || *again != *email) std::abort();
  }
  std::string folded = FoldCase(text);
  if (IsValidUtf8(text) && !IsValidUtf8(folded)) std::abort();
  std::string_view trimmed = Trim(text);
  if (trimmed.size() > text.size()) std::abort();
  return 0;
}
