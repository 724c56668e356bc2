#pragma once
// A scoring model: the screening ("фаза отсева") knock-out criteria and the scoring blocks a
// manager fills in after the first call, and the segments (C/B/A) the total falls into.
// A head of sales writes it in YAML (processes/scoring/*.yaml); this file turns that text into
// a Model, or into a list of every problem with its file:line:column. Pure: no file access —
// the YAML arrives as text.

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/lint.h"
#include "common/result.h"

namespace voronka::scoring {

// A name shown to people, in both interface languages. Both are non-empty in a loaded model.
struct Names {
  std::string ru = {};
  std::string en = {};
};

// A hard criterion of the screening phase. Failing any one ends the lead whatever its score.
struct Knockout {
  std::string code = {};  // unique among the model's knock-outs
  Names name = {};
  std::string hint = {};  // how the manager checks it
};

// One scored parameter. Every parameter is scored -1, 0 or +1.
struct Parameter {
  std::string code = {};  // unique among all parameters of the model (not just its block)
  Names name = {};
  std::array<std::string, 3> hints = {};  // hints[score + 1]: what that score means

  // The hint for score -1, 0 or +1; empty for any other score.
  const std::string& Hint(int score) const;
};

struct Block {
  std::string code = {};  // unique among the model's blocks
  Names name = {};
  std::vector<Parameter> parameters = {};  // never empty in a loaded model
};

// Totals min..max (inclusive) fall into this segment.
struct Segment {
  std::string code = {};  // "A", "B", "C" in the shipped model
  int min = 0;
  int max = 0;
  Names name = {};
  Names description = {};  // what the segment means and how such leads are worked
};

// In a loaded model the segments cover MinTotal()..MaxTotal() exactly: no overlap, no gap.
struct Model {
  std::string code = {};
  std::string version = {};  // a label the head of sales sets when changing the model
  Names name = {};
  std::vector<Knockout> knockouts = {};
  std::vector<Block> blocks = {};
  std::vector<Segment> segments = {};  // in file order

  int ParameterCount() const;
  int MinTotal() const { return -ParameterCount(); }
  int MaxTotal() const { return ParameterCount(); }
  // nullptr when no such code.
  const Parameter* FindParameter(std::string_view code) const;
  const Knockout* FindKnockout(std::string_view code) const;
  // The segment holding this total; nullptr when the total is outside MinTotal()..MaxTotal().
  const Segment* SegmentFor(int total) const;
};

// Every problem in a model file, in file order as far as possible; empty when the file is a
// valid model. Strict: YAML syntax, unknown and duplicate keys, missing keys and names,
// duplicate codes, blocks without parameters, scores other than -1/0/+1 or a missing hint for
// one, and segments that overlap, leave a gap in, or reach outside the possible total range
// -N..+N for N parameters. file_name is only copied into the messages.
std::vector<LintMessage> LintModel(std::string_view yaml, std::string_view file_name);

// The model, or kInvalid whose message is every lint message joined by newlines and whose
// extra is {"problems": [{"file", "line", "column", "message"}, …]}.
Result<Model> LoadModel(std::string_view yaml, std::string_view file_name);

// The shipped model processes/scoring/it_studio.yaml, loaded once (thread-safe). A broken
// shipped file is a bug: throws std::logic_error with the lint messages.
const Model& DefaultModel();

// For the API and the scoring form:
// {"code", "version", "name": {"ru", "en"}, "min_total", "max_total",
//  "knockouts": [{"code", "name", "hint"}],
//  "blocks": [{"code", "name", "parameters": [{"code", "name",
//              "options": [{"value": -1, "hint"}, {"value": 0, …}, {"value": 1, …}]}]}],
//  "segments": [{"code", "min", "max", "name", "description"}]}
nlohmann::json ModelToJson(const Model& model);

}  // namespace voronka::scoring
