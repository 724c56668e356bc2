#include "domain/access.h"

#include <gtest/gtest.h>

namespace voronka::domain {
namespace {

Principal Make(Role role, int64_t id = 10, std::vector<int64_t> team = {}) {
  Principal p;
  p.user_id = id;
  p.role = role;
  p.team_user_ids = std::move(team);
  return p;
}

TEST(Access, ReadScopes) {
  EXPECT_EQ(ReadScope(Make(Role::kManager)), std::vector<int64_t>{10});
  EXPECT_EQ(ReadScope(Make(Role::kHead, 1, {2, 3})), (std::vector<int64_t>{2, 3, 1}));
  EXPECT_FALSE(ReadScope(Make(Role::kOwner)).has_value());
  EXPECT_FALSE(ReadScope(Make(Role::kCurator)).has_value());
  EXPECT_FALSE(ReadScope(Make(Role::kAdmin)).has_value());
}

TEST(Access, OwnerWritesNothing) {
  EXPECT_EQ(WriteScope(Make(Role::kOwner)), std::vector<int64_t>{});
  auto st = CheckWrite(Make(Role::kOwner), *FindEntity("deals"), Action::kCreate, nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kForbidden);
}

TEST(Access, CuratorMayOnlyAddNotesAndTasks) {
  auto curator = Make(Role::kCurator);
  FieldValues note = {{FindEntity("activities")->Find("type"), "note"}};
  FieldValues call = {{FindEntity("activities")->Find("type"), "call"}};
  EXPECT_TRUE(CheckWrite(curator, *FindEntity("activities"), Action::kCreate, &note).ok());
  EXPECT_FALSE(CheckWrite(curator, *FindEntity("activities"), Action::kCreate, &call).ok());
  EXPECT_TRUE(CheckWrite(curator, *FindEntity("tasks"), Action::kCreate, nullptr).ok());
  EXPECT_FALSE(CheckWrite(curator, *FindEntity("deals"), Action::kUpdate, nullptr).ok());
}

TEST(Access, OnlyAdminChangesDirectory) {
  EXPECT_TRUE(CheckWrite(Make(Role::kAdmin), *FindEntity("teams"), Action::kCreate, nullptr).ok());
  EXPECT_FALSE(CheckWrite(Make(Role::kHead), *FindEntity("teams"), Action::kCreate, nullptr).ok());
  EXPECT_FALSE(CheckWrite(Make(Role::kManager), UsersSpec(), Action::kUpdate, nullptr).ok());
}

TEST(Access, InScope) {
  EXPECT_TRUE(InScope(std::nullopt, std::nullopt));
  EXPECT_TRUE(InScope(std::vector<int64_t>{1, 2}, 2));
  EXPECT_FALSE(InScope(std::vector<int64_t>{1, 2}, 3));
  EXPECT_FALSE(InScope(std::vector<int64_t>{1}, std::nullopt));
}

TEST(Access, RoleNamesRoundTrip) {
  for (Role r : {Role::kAdmin, Role::kOwner, Role::kHead, Role::kCurator, Role::kManager})
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_FALSE(ParseRole("boss"));
}

}  // namespace
}  // namespace voronka::domain
