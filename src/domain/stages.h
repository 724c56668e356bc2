#pragma once
// Stage codes of the reference "IT studio" pipeline (DOMAIN.md). The process engine will
// own pipeline definitions; until then a deal's stage is one of these codes.

#include <string_view>
#include <vector>

namespace voronka::domain {

struct StageInfo {
  std::string_view code;
  std::string_view name_ru;
  std::string_view name_en;
};

const std::vector<StageInfo>& ReferenceStages();
std::vector<std::string_view> StageCodes();

}  // namespace voronka::domain
