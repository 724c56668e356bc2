#include "scoring/score.h"

#include <cstdint>
#include <optional>

namespace voronka::scoring {
namespace {

// -1, 0 or 1 as a JSON integer; nullopt for anything else (floats, strings, booleans, and
// huge unsigned values that would wrap into range).
std::optional<int> ReadScore(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    return u <= 1 ? std::optional<int>(static_cast<int>(u)) : std::nullopt;
  }
  if (value.is_number_integer()) {
    const int64_t i = value.get<int64_t>();
    return i >= -1 && i <= 1 ? std::optional<int>(static_cast<int>(i)) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Result<ScoringInput> ParseScoringInput(const Model& model, const nlohmann::json& body) {
  if (!body.is_object()) return Error::Invalid("", "request body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "knockouts" && key != "values") {
      return Error::Invalid(key, "unknown field '" + key + "'; expected knockouts and values");
    }
  }
  ScoringInput input;
  for (const auto& knockout : model.knockouts) input.knockouts[knockout.code] = false;
  if (auto it = body.find("knockouts"); it != body.end()) {
    if (!it->is_object())
      return Error::Invalid("knockouts", "knockouts must be an object of criterion code → true/false");
    for (const auto& [code, failed] : it->items()) {
      const std::string field = "knockouts." + code;
      if (!model.FindKnockout(code)) return Error::Invalid(field, "unknown knock-out criterion '" + code + "'");
      if (!failed.is_boolean()) return Error::Invalid(field, field + " must be true (failed) or false (passed)");
      input.knockouts[code] = failed.get<bool>();
    }
  }
  auto values = body.find("values");
  if (values == body.end()) return Error::Invalid("values", "field 'values' is required");
  if (!values->is_object()) return Error::Invalid("values", "values must be an object of parameter code → -1, 0 or 1");
  for (const auto& [code, score] : values->items()) {
    const std::string field = "values." + code;
    if (!model.FindParameter(code)) return Error::Invalid(field, "unknown parameter '" + code + "'");
    const auto value = ReadScore(score);
    if (!value) return Error::Invalid(field, field + " must be -1, 0 or 1");
    input.values[code] = *value;
  }
  for (const auto& block : model.blocks) {
    for (const auto& parameter : block.parameters) {
      if (!input.values.contains(parameter.code)) {
        return Error::Invalid("values." + parameter.code, "values." + parameter.code + " is required");
      }
    }
  }
  return input;
}

ScoringResult Score(const Model& model, const ScoringInput& input) {
  ScoringResult result;
  for (const auto& knockout : model.knockouts) {
    auto it = input.knockouts.find(knockout.code);
    if (it != input.knockouts.end() && it->second) result.failed_knockouts.push_back(knockout.code);
  }
  result.disqualified = !result.failed_knockouts.empty();
  for (const auto& block : model.blocks) {
    int sum = 0;
    for (const auto& parameter : block.parameters) {
      auto it = input.values.find(parameter.code);
      if (it != input.values.end()) sum += it->second;
    }
    result.block_totals[block.code] = sum;
    result.total += sum;
  }
  if (!result.disqualified) {
    if (const Segment* segment = model.SegmentFor(result.total)) result.segment = segment->code;
  }
  return result;
}

nlohmann::json ScoringResultToJson(const ScoringResult& result) {
  return {{"disqualified", result.disqualified},
          {"failed_knockouts", result.failed_knockouts},
          {"total", result.total},
          {"block_totals", result.block_totals},
          {"segment", result.disqualified ? nlohmann::json(nullptr) : nlohmann::json(result.segment)}};
}

}  // namespace voronka::scoring
