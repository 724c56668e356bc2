#include "domain/access.h"

#include <algorithm>

namespace voronka::domain {

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "owner") return Role::kOwner;
  if (name == "head") return Role::kHead;
  if (name == "curator") return Role::kCurator;
  if (name == "manager") return Role::kManager;
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kOwner: return "owner";
    case Role::kHead: return "head";
    case Role::kCurator: return "curator";
    case Role::kManager: return "manager";
  }
  return "manager";
}

std::optional<std::vector<int64_t>> ReadScope(const Principal& p) {
  switch (p.role) {
    case Role::kAdmin:
    case Role::kOwner:
    case Role::kCurator: return std::nullopt;
    case Role::kHead: {
      auto ids = p.team_user_ids;
      if (std::find(ids.begin(), ids.end(), p.user_id) == ids.end()) ids.push_back(p.user_id);
      return ids;
    }
    case Role::kManager: return std::vector<int64_t>{p.user_id};
  }
  return std::vector<int64_t>{p.user_id};
}

std::optional<std::vector<int64_t>> WriteScope(const Principal& p) {
  switch (p.role) {
    case Role::kAdmin: return std::nullopt;
    case Role::kOwner: return std::vector<int64_t>{};
    // A curator's feedback goes to anyone; what a curator may write is limited in CheckWrite.
    case Role::kCurator: return std::nullopt;
    default: return ReadScope(p);
  }
}

bool InScope(const std::optional<std::vector<int64_t>>& scope, std::optional<int64_t> user_id) {
  if (!scope) return true;
  if (!user_id) return false;
  return std::find(scope->begin(), scope->end(), *user_id) != scope->end();
}

Status CheckWrite(const Principal& p, const EntitySpec& spec, Action action, const FieldValues* values) {
  bool directory = spec.name == "users" || spec.name == "teams";
  if (p.role == Role::kAdmin) return Status::Ok();
  if (directory) return Error::Forbidden("only an admin may change " + std::string(spec.name));
  if (p.role == Role::kOwner) return Error::Forbidden("the owner role reads everything and changes nothing");
  if (p.role == Role::kCurator) {
    if (action != Action::kCreate) return Error::Forbidden("a curator may add notes and tasks, not change records");
    if (spec.name == "tasks") return Status::Ok();
    if (spec.name == "activities" && values) {
      auto* type = FindValue(*values, "type");
      if (type && *type == "note") return Status::Ok();
    }
    return Error::Forbidden("a curator may add notes and tasks, not change records");
  }
  return Status::Ok();
}

}  // namespace voronka::domain
