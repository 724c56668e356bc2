#pragma once
// What changed between two versions of a pipeline, in lines a head of sales can read:
// "+ stage proposal_review", "- stage presentation", "~ stage closing: next [won] → [won, lost]".

#include <string>
#include <vector>

#include "process/definition.h"

namespace voronka::process {

std::vector<std::string> DiffDefinitions(const Definition& before, const Definition& after);

}  // namespace voronka::process
