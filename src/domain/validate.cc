#include "domain/validate.h"

#include <date/tz.h>

#include <algorithm>

#include "common/text.h"
#include "common/time.h"

namespace voronka::domain {

using nlohmann::json;

namespace {

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string JoinValues(const std::vector<std::string_view>& values) {
  std::string out;
  for (auto v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

bool IsReserved(std::string_view key) {
  return key == "id" || key == "created_at" || key == "updated_at" || key == "archived" || key == "version";
}

Result<json> Invalid(const FieldSpec& f, std::string message) {
  return Error::Invalid(std::string(f.name), std::string(f.name) + " " + message);
}

Result<json> ValidateList(const FieldSpec& f, const json& v) {
  if (!v.is_array()) return Invalid(f, "must be an array");
  if (v.size() > 20) return Invalid(f, "may hold at most 20 entries");
  json out = json::array();
  for (size_t i = 0; i < v.size(); ++i) {
    std::string where = std::string(f.name) + "[" + std::to_string(i) + "]";
    if (f.type == FieldType::kMembers) {
      if (!v[i].is_number_integer() || v[i].get<int64_t>() <= 0)
        return Error::Invalid(std::string(f.name), where + " must be a positive user id");
      if (std::find(out.begin(), out.end(), v[i]) == out.end()) out.push_back(v[i]);
      continue;
    }
    if (!v[i].is_string()) return Error::Invalid(std::string(f.name), where + " must be a string");
    auto raw = v[i].get<std::string>();
    auto norm = f.type == FieldType::kPhones ? NormalizePhone(raw) : NormalizeEmail(raw);
    if (!norm)
      return Error::Invalid(std::string(f.name), where + " '" + raw + "' is not a valid " +
                                                     (f.type == FieldType::kPhones ? "phone number" : "e-mail address"));
    if (std::find(out.begin(), out.end(), *norm) == out.end()) out.push_back(*norm);
  }
  return out;
}

}  // namespace

const json* FindValue(const FieldValues& values, std::string_view field) {
  for (const auto& [f, v] : values)
    if (f->name == field) return &v;
  return nullptr;
}

void SetValue(FieldValues& values, const FieldSpec* spec, json value) {
  for (auto& [f, v] : values)
    if (f == spec) {
      v = std::move(value);
      return;
    }
  values.emplace_back(spec, std::move(value));
}

Result<json> ValidateField(const FieldSpec& f, const json& v) {
  if (v.is_null()) {
    if (f.required) return Invalid(f, "must not be null");
    return json(nullptr);
  }
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kText: {
      if (!v.is_string()) return Invalid(f, "must be a string");
      std::string s(f.type == FieldType::kString ? Trim(v.get_ref<const std::string&>())
                                                 : std::string_view(v.get_ref<const std::string&>()));
      if (Utf8Length(s) > f.max_len) return Invalid(f, "must be at most " + std::to_string(f.max_len) + " characters");
      if (f.type == FieldType::kString && s.find_first_of("\r\n") != std::string::npos)
        return Invalid(f, "must be a single line");
      if (f.required && s.empty()) return Invalid(f, "must not be empty");
      return json(s);
    }
    case FieldType::kInt:
    case FieldType::kMoney: {
      if (!v.is_number_integer())
        return Invalid(f, f.type == FieldType::kMoney ? "must be an integer amount in minor units (kopecks)"
                                                      : "must be an integer");
      if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)) return Invalid(f, "is out of range");
      int64_t n = v.get<int64_t>();
      if (n < f.min || n > f.max)
        return Invalid(f, "must be between " + std::to_string(f.min) + " and " + std::to_string(f.max));
      return json(n);
    }
    case FieldType::kBool:
      if (!v.is_boolean()) return Invalid(f, "must be true or false");
      return v;
    case FieldType::kEnum: {
      if (!v.is_string() || std::find(f.values.begin(), f.values.end(), v.get_ref<const std::string&>()) == f.values.end())
        return Invalid(f, "must be one of: " + JoinValues(f.values));
      return v;
    }
    case FieldType::kRef:
      if (!v.is_number_integer() || v.get<int64_t>() <= 0) return Invalid(f, "must be a positive integer id");
      return json(v.get<int64_t>());
    case FieldType::kTime: {
      if (!v.is_string()) return Invalid(f, "must be an ISO 8601 date-time string, e.g. 2026-11-24T10:00:00+03:00");
      auto ms = ParseIso(v.get_ref<const std::string&>());
      if (!ms) return Invalid(f, "must be an ISO 8601 date-time, e.g. 2026-11-24T10:00:00+03:00");
      return json(*ms);
    }
    case FieldType::kPhones:
    case FieldType::kEmails:
    case FieldType::kMembers:
      return ValidateList(f, v);
    case FieldType::kTimeZone: {
      if (!v.is_string()) return Invalid(f, "must be a time zone name such as Europe/Moscow");
      try {
        date::locate_zone(v.get<std::string>());
      } catch (const std::exception&) {
        return Invalid(f, "'" + v.get<std::string>() + "' is not a known time zone (e.g. Europe/Moscow)");
      }
      return v;
    }
    case FieldType::kCurrency: {
      if (!v.is_string()) return Invalid(f, "must be a three-letter currency code such as RUB");
      const auto& s = v.get_ref<const std::string&>();
      if (s.size() != 3 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return Invalid(f, "must be a three-letter currency code such as RUB");
      return v;
    }
  }
  return Invalid(f, "has an unsupported type");
}

namespace {
Status CheckBody(const EntitySpec& spec, const json& body, bool allow_version, FieldValues& out) {
  if (!body.is_object()) return Error::Invalid("", "request body must be a JSON object");
  for (auto& [key, value] : body.items()) {
    if (key == "version" && allow_version) continue;
    const FieldSpec* f = spec.Find(key);
    if (!f) {
      if (IsReserved(key)) return Error::Invalid(key, "field '" + key + "' is set by the server");
      return Error::Invalid(key, "unknown field '" + key + "' for " + std::string(spec.singular));
    }
    if (f->server) return Error::Invalid(key, "field '" + key + "' is set by the server");
    auto r = ValidateField(*f, value);
    if (!r.ok()) return r.error();
    out.emplace_back(f, std::move(r.value()));
  }
  return Status::Ok();
}
}  // namespace

Result<FieldValues> ValidateCreate(const EntitySpec& spec, const json& body) {
  FieldValues out;
  if (auto st = CheckBody(spec, body, false, out); !st.ok()) return st.error();
  for (const auto& f : spec.fields) {
    if (FindValue(out, f.name)) continue;
    if (!f.default_json.empty()) {
      out.emplace_back(&f, json::parse(f.default_json));
    } else if (f.required) {
      return Error::Invalid(std::string(f.name), "field '" + std::string(f.name) + "' is required");
    }
  }
  return out;
}

Result<int64_t> RequireVersion(const json& body) {
  if (!body.is_object()) return Error::Invalid("", "request body must be a JSON object");
  auto it = body.find("version");
  if (it == body.end())
    return Error::Invalid("version", "field 'version' is required: send the version you last read");
  if (!it->is_number_integer() || it->get<int64_t>() < 1)
    return Error::Invalid("version", "version must be a positive integer");
  return it->get<int64_t>();
}

Result<FieldValues> ValidatePatch(const EntitySpec& spec, const json& body, int64_t* version) {
  auto v = RequireVersion(body);
  if (!v.ok()) return v.error();
  *version = v.value();
  FieldValues out;
  if (auto st = CheckBody(spec, body, true, out); !st.ok()) return st.error();
  return out;
}

}  // namespace voronka::domain
