#include "domain/stages.h"

namespace voronka::domain {

const std::vector<StageInfo>& ReferenceStages() {
  static const std::vector<StageInfo> stages = {
      {"incoming", "Входящая заявка", "Incoming request"},
      {"contact", "Получение контакта", "Getting the contact"},
      {"screening", "Отсев", "Screening"},
      {"scoring", "Скоринг", "Scoring"},
      {"interview_prep", "Подготовка к интервью", "Interview preparation"},
      {"deep_interview", "Глубинное интервью", "Deep interview"},
      {"proposal", "Подготовка КП", "Proposal preparation"},
      {"presentation", "Презентация КП", "Proposal presentation"},
      {"closing", "Дожим", "Closing"},
      {"won", "Успешно", "Won"},
      {"lost", "Проиграно", "Lost"},
  };
  return stages;
}

std::vector<std::string_view> StageCodes() {
  std::vector<std::string_view> codes;
  for (const auto& s : ReferenceStages()) codes.push_back(s.code);
  return codes;
}

}  // namespace voronka::domain
