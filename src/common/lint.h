#pragma once
// Problems found in a configuration file (pipeline, scoring model, calendar, …), each
// with its place, so that a head of sales can fix the YAML they wrote.

#include <string>
#include <vector>

namespace voronka {

struct LintMessage {
  std::string file;  // as given by the caller, e.g. "processes/it_studio.yaml"
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  std::string message;

  // "file:line:column: message"
  std::string ToString() const {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
    return s + ": " + message;
  }
};

// All messages joined by newlines.
inline std::string JoinLint(const std::vector<LintMessage>& messages) {
  std::string out;
  for (const auto& m : messages) out += (out.empty() ? "" : "\n") + m.ToString();
  return out;
}

}  // namespace voronka
