// The scoring model YAML (scoring/model): the linter and the loader take any text; a model that
// loads must also serialise.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scoring/model.h"

using namespace voronka;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto lint = scoring::LintModel(yaml, "fuzz.yaml");
  auto loaded = scoring::LoadModel(yaml, "fuzz.yaml");
  if (loaded.ok()) (void)scoring::ModelToJson(loaded.value()).dump();
  return 0;
}
