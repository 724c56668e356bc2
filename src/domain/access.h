#pragma once
// Who may see and change which records. Pure rules over a Principal; the store turns a
// scope into SQL.
//
//   admin    everything, including users and teams
//   owner    reads everything, writes nothing
//   curator  reads everything; may add notes (comments) and tasks (feedback)
//   head     reads and writes the cards of the teams they lead (and their own)
//   manager  reads and writes own cards and cards where they are in the working group

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/entity.h"
#include "domain/validate.h"

namespace voronka::domain {

enum class Role { kAdmin, kOwner, kHead, kCurator, kManager };

std::optional<Role> ParseRole(std::string_view name);
std::string_view RoleName(Role role);

struct Principal {
  int64_t user_id = 0;
  Role role = Role::kManager;
  std::string name;
  // For heads: ids of the users in the teams they lead (themselves included).
  std::vector<int64_t> team_user_ids;
  bool via_token = false;
  // Authenticated by an intake-scoped token (a public site form): may only post leads.
  bool intake_only = false;
};

// The users whose cards the principal reads; nullopt means all.
std::optional<std::vector<int64_t>> ReadScope(const Principal& p);
// The users whose cards the principal may change or assign to; nullopt means all.
std::optional<std::vector<int64_t>> WriteScope(const Principal& p);

bool InScope(const std::optional<std::vector<int64_t>>& scope, std::optional<int64_t> user_id);

enum class Action { kCreate, kUpdate, kArchive };

// May the principal do `action` on records of `spec` at all (before looking at the record)?
// For a create, `values` is the validated body. kForbidden with a reason otherwise.
Status CheckWrite(const Principal& p, const EntitySpec& spec, Action action, const FieldValues* values);

}  // namespace voronka::domain
