#include "process/diff.h"

#include <gtest/gtest.h>

namespace voronka::process {
namespace {

Definition Load(const std::string& yaml) {
  auto d = LoadDefinition(yaml, "t.yaml");
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
  return d.ok() ? d.value() : Definition{};
}

TEST(DiffDefinitions, ListsStageAndRuleChanges) {
  Definition a = Load(R"(code: p
name: {ru: П, en: P}
stages:
  - {code: a, name: {ru: А, en: A}, next: [b]}
  - {code: b, name: {ru: Б, en: B}, next: [c]}
  - {code: c, name: {ru: В, en: C}, kind: won}
)");
  Definition b = Load(R"(code: p
name: {ru: П, en: P}
stages:
  - code: a
    name: {ru: А, en: A}
    next: [b, d]
    on_enter:
      - task: {code: call, title: {ru: Звонок, en: Call}, due: 30 working minutes, checkpoint: true}
  - {code: b, name: {ru: Б2, en: B2}, next: [c]}
  - {code: d, name: {ru: Г, en: D}, next: [c]}
  - {code: c, name: {ru: В, en: C}, kind: won}
lost_reasons:
  - {code: price, name: {ru: Цена, en: Price}}
)");
  EXPECT_EQ(DiffDefinitions(a, b), (std::vector<std::string>{
                                       "~ stage a: next [b] → [b, d]",
                                       "~ stage a: on_enter [] → [task call due 30 working minutes checkpoint]",
                                       "~ stage b: name Б → Б2",
                                       "+ stage d (Г)",
                                       "+ lost reason price",
                                   }));
  EXPECT_TRUE(DiffDefinitions(a, a).empty());
  EXPECT_EQ(DiffDefinitions(b, a).front(), "- stage d");
}

}  // namespace
}  // namespace voronka::process
