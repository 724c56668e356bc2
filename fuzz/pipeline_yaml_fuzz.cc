// The pipeline YAML a head of sales edits: the linter and the loader (process/definition) take
// any text; a definition that loads must also serialise.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "process/definition.h"

using namespace voronka;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto lint = process::LintDefinition(yaml, "fuzz.yaml");
  auto loaded = process::LoadDefinition(yaml, "fuzz.yaml");
  if (loaded.ok()) (void)process::DefinitionToJson(loaded.value()).dump();
  return 0;
}
