#include "http/handlers/list_query.h"

#include "common/time.h"

namespace voronka::http {

using nlohmann::json;

namespace {

std::optional<TimeMs> TimeParam(const std::string& name, const std::string& value) {
  auto t = ParseIso(value);
  if (!t) Fail(Error::Invalid(name, name + " must be an ISO 8601 date or date-time, e.g. 2026-11-01"));
  return t;
}

json ParseScalar(const domain::FieldSpec& f, const std::string& raw) {
  if (raw == "null") return nullptr;
  switch (f.type) {
    case domain::FieldType::kRef:
    case domain::FieldType::kInt:
    case domain::FieldType::kMoney: {
      if (raw.empty() || raw.size() > 18 || raw.find_first_not_of("-0123456789") != std::string::npos)
        Fail(Error::Invalid(std::string(f.name), std::string(f.name) + " filter must be an integer, got '" + raw + "'"));
      return std::stoll(raw);
    }
    case domain::FieldType::kBool:
      if (raw == "true" || raw == "1") return true;
      if (raw == "false" || raw == "0") return false;
      Fail(Error::Invalid(std::string(f.name), std::string(f.name) + " filter must be true or false"));
    default: return raw;
  }
}

}  // namespace

std::vector<std::string> ListQueryNames(const domain::EntitySpec& spec) {
  std::vector<std::string> names = {"q", "sort", "limit", "cursor", "archived", "created_from", "created_to", "mine"};
  if (spec.Find("due_at")) names.insert(names.end(), {"due_from", "due_to", "overdue"});
  for (const auto& f : spec.fields)
    if (f.filter) names.emplace_back(f.name);
  return names;
}

storage::ListQuery ParseListQuery(const Context& ctx, const domain::EntitySpec& spec) {
  storage::ListQuery q;
  for (const auto& [key, value] : ctx.req.query) {
    if (key == "q") {
      if (value.size() > 200) Fail(Error::Invalid("q", "q must be at most 200 characters"));
      q.q = value;
    } else if (key == "limit") {
      if (value.empty() || value.size() > 4 || value.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(value) < 1 || std::stoi(value) > 200)
        Fail(Error::Invalid("limit", "limit must be an integer from 1 to 200"));
      q.limit = std::stoi(value);
    } else if (key == "cursor") {
      q.cursor = value;
    } else if (key == "sort") {
      std::string name = value;
      q.desc = !name.empty() && name[0] == '-';
      if (q.desc) name.erase(0, 1);
      if (name == "id") {
        q.sort = nullptr;
        continue;
      }
      const domain::FieldSpec* f = spec.Find(name);
      if (!f || !f->sort) {
        std::string allowed = "id";
        for (const auto& g : spec.fields)
          if (g.sort) allowed += ", " + std::string(g.name);
        Fail(Error::Invalid("sort", "cannot sort " + std::string(spec.name) + " by '" + name + "'; use one of: " +
                                        allowed + " (prefix '-' for descending)"));
      }
      q.sort = f;
    } else if (key == "archived") {
      if (value == "false") q.archived = storage::ArchivedFilter::kActive;
      else if (value == "true") q.archived = storage::ArchivedFilter::kArchived;
      else if (value == "all") q.archived = storage::ArchivedFilter::kAll;
      else Fail(Error::Invalid("archived", "archived must be false, true or all"));
    } else if (key == "created_from") {
      q.created_from = TimeParam(key, value);
    } else if (key == "created_to") {
      q.created_to = TimeParam(key, value);
    } else if (key == "due_from" && spec.Find("due_at")) {
      q.due_from = TimeParam(key, value);
    } else if (key == "due_to" && spec.Find("due_at")) {
      q.due_to = TimeParam(key, value);
    } else if (key == "overdue" && spec.Find("due_at")) {
      if (value != "true") Fail(Error::Invalid("overdue", "overdue accepts only true"));
      q.due_to = ctx.now;
      domain::SetValue(q.filters, spec.Find("done"), false);
    } else if (key == "mine") {
      if (value != "true") Fail(Error::Invalid("mine", "mine accepts only true"));
      if (spec.owner_field.empty()) Fail(Error::Invalid("mine", std::string(spec.name) + " have no responsible user"));
      domain::SetValue(q.filters, spec.Find(spec.owner_field), ctx.user().user_id);
    } else if (const domain::FieldSpec* f = spec.Find(key); f && f->filter) {
      json v;
      if (value.find(',') != std::string::npos) {
        v = json::array();
        size_t pos = 0;
        while (pos <= value.size()) {
          size_t end = value.find(',', pos);
          if (end == std::string::npos) end = value.size();
          json one = ParseScalar(*f, value.substr(pos, end - pos));
          if (!one.is_null()) v.push_back(Unwrap(domain::ValidateField(*f, one)));
          pos = end + 1;
        }
      } else {
        v = ParseScalar(*f, value);
        if (!v.is_null()) v = Unwrap(domain::ValidateField(*f, v));
      }
      domain::SetValue(q.filters, f, v);
    } else {
      std::string allowed;
      for (const auto& n : ListQueryNames(spec)) allowed += (allowed.empty() ? "" : ", ") + n;
      Fail(Error::Invalid(key, "unknown query parameter '" + key + "' for " + std::string(spec.name) +
                                   "; accepted: " + allowed));
    }
  }
  return q;
}

}  // namespace voronka::http
