#pragma once
// Scoring a lead against a Model: the screening knock-outs first, then the sum of the
// parameter scores and the segment it falls into. Pure.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "scoring/model.h"

namespace voronka::scoring {

struct ScoringInput {
  // Knock-out code → true when the lead FAILS the criterion (is knocked out).
  std::map<std::string, bool> knockouts = {};
  // Parameter code → -1, 0 or +1.
  std::map<std::string, int> values = {};
};

// Reads {"knockouts": {"budget_below_min": false, …}, "values": {"budget": 1, …}}.
// "values" must hold every parameter of the model; "knockouts" may be omitted, and a knock-out
// left out counts as passed (the result holds every knock-out of the model). Errors are
// kInvalid naming the field: "" (body not an object), "<key>" (unknown top-level key),
// "values" / "knockouts" (not an object), "values.<code>" (unknown, missing, or not -1/0/1),
// "knockouts.<code>" (unknown or not a boolean).
Result<ScoringInput> ParseScoringInput(const Model& model, const nlohmann::json& body);

struct ScoringResult {
  bool disqualified = false;                       // some knock-out failed
  std::vector<std::string> failed_knockouts = {};  // in model order
  int total = 0;                                   // sum of all scores, computed even when disqualified
  std::map<std::string, int> block_totals = {};    // block code → sum of its parameters' scores
  std::string segment = {};                        // segment code; "" when disqualified
};

// Expects input from ParseScoringInput for the same model: a parameter missing from
// input.values counts as 0 and unknown codes are ignored.
ScoringResult Score(const Model& model, const ScoringInput& input);

// {"disqualified", "failed_knockouts": [...], "total", "block_totals": {code: n}, "segment"}
// with "segment": null when disqualified.
nlohmann::json ScoringResultToJson(const ScoringResult& result);

}  // namespace voronka::scoring
