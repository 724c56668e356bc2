// The OpenAPI 3 document, generated from the route table (paths) and the entity specs
// (schemas), so it always matches what the server serves.

#include "domain/entity.h"
#include "http/api.h"

namespace voronka::http {

using nlohmann::json;

namespace {

json FieldSchema(const domain::FieldSpec& f) {
  json s;
  switch (f.type) {
    case domain::FieldType::kString: s = {{"type", "string"}, {"maxLength", f.max_len}}; break;
    case domain::FieldType::kText: s = {{"type", "string"}, {"maxLength", f.max_len}}; break;
    case domain::FieldType::kInt:
    case domain::FieldType::kMoney:
      s = {{"type", "integer"}, {"format", "int64"}};
      if (f.min != std::numeric_limits<int64_t>::min()) s["minimum"] = f.min;
      if (f.max != std::numeric_limits<int64_t>::max()) s["maximum"] = f.max;
      break;
    case domain::FieldType::kBool: s = {{"type", "boolean"}}; break;
    case domain::FieldType::kEnum: {
      s = {{"type", "string"}, {"enum", json::array()}};
      for (auto v : f.values) s["enum"].push_back(v);
      break;
    }
    case domain::FieldType::kRef:
      s = {{"type", "integer"}, {"format", "int64"}, {"description", "id of a " + std::string(f.ref) + " record"}};
      break;
    case domain::FieldType::kTime: s = {{"type", "string"}, {"format", "date-time"}}; break;
    case domain::FieldType::kPhones:
      s = {{"type", "array"}, {"items", {{"type", "string"}}}, {"description", "phones, normalised to E.164"}};
      break;
    case domain::FieldType::kEmails:
      s = {{"type", "array"}, {"items", {{"type", "string"}, {"format", "email"}}}};
      break;
    case domain::FieldType::kMembers:
      s = {{"type", "array"}, {"items", {{"type", "integer"}}}, {"description", "user ids of the working group"}};
      break;
    case domain::FieldType::kTimeZone: s = {{"type", "string"}, {"example", "Europe/Moscow"}}; break;
    case domain::FieldType::kCurrency: s = {{"type", "string"}, {"pattern", "^[A-Z]{3}$"}}; break;
  }
  if (!f.description.empty()) s["description"] = f.description;
  if (!f.required) s["nullable"] = true;
  return s;
}

std::string SchemaName(const domain::EntitySpec& spec) {
  std::string s(spec.singular);
  s[0] = static_cast<char>(std::toupper(s[0]));
  return s;
}

void AddEntitySchemas(json& schemas, const domain::EntitySpec& spec) {
  std::string name = SchemaName(spec);
  json record = {{"type", "object"},
                 {"properties",
                  {{"id", {{"type", "integer"}}},
                   {"version", {{"type", "integer"}}},
                   {"created_at", {{"type", "string"}, {"format", "date-time"}}},
                   {"updated_at", {{"type", "string"}, {"format", "date-time"}}},
                   {"archived", {{"type", "boolean"}}}}}};
  json create = {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
  json required = json::array();
  for (const auto& f : spec.fields) {
    record["properties"][std::string(f.name)] = FieldSchema(f);
    if (f.server) continue;
    create["properties"][std::string(f.name)] = FieldSchema(f);
    if (f.required && f.default_json.empty()) required.push_back(f.name);
  }
  if (spec.name == "tasks") record["properties"]["overdue"] = {{"type", "boolean"}};
  json patch = create;
  patch["properties"]["version"] = {{"type", "integer"}, {"description", "the version you last read"}};
  patch["required"] = {"version"};
  if (!required.empty()) create["required"] = required;
  schemas[name] = record;
  schemas[name + "Create"] = create;
  schemas[name + "Patch"] = patch;
  schemas[name + "Page"] = {{"type", "object"},
                            {"properties",
                             {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + name}}}}},
                              {"next_cursor", {{"type", "string"}, {"nullable", true}}}}}};
}

json Object(json properties, json required = json::array()) {
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) o["required"] = std::move(required);
  return o;
}

json StaticSchemas() {
  const json str = {{"type", "string"}};
  const json integer = {{"type", "integer"}};
  json s;
  json error_body = Object({{"code", str}, {"message", str}, {"field", str}}, {"code", "message"});
  s["Error"] = Object({{"error", error_body}}, {"error"});
  s["Login"] = Object({{"email", str}, {"password", str}}, {"email", "password"});
  s["PasswordChange"] = Object({{"old_password", str}, {"new_password", str}}, {"old_password", "new_password"});
  s["PasswordSet"] = Object({{"password", str}}, {"password"});
  s["TokenCreate"] = Object({{"name", str}, {"user_id", integer},
                             {"scope", {{"type", "string"}, {"enum", {"all", "intake"}},
                                        {"description", "intake: may only POST /api/intake (a site form; head or admin)"}}}},
                            {"name"});
  s["VersionBody"] = Object({{"version", integer}}, {"version"});
  json with_password = Object({{"password", str}}, {"password"});
  s["UserCreateWithPassword"] = {{"allOf", json::array({json{{"$ref", "#/components/schemas/UserCreate"}}, with_password})}};
  json intake = Object({{"channel", {{"type", "string"}, {"enum", {"site_form", "email", "phone", "messenger"}}}},
                        {"name", str}, {"phone", str}, {"email", str}, {"company", str}, {"message", str},
                        {"title", str}, {"amount", {{"type", "integer"}, {"description", "kopecks"}}},
                        {"product", str}, {"region", str}, {"time_zone", str},
                        {"utm", {{"type", "object"}, {"additionalProperties", str}}},
                        {"consent", {{"type", "boolean"},
                                     {"description", "required (true) with an intake-scoped token: the visitor agreed "
                                                     "to the processing of personal data; kept on the contact "
                                                     "with the time (false: refused or withdrew)"}}},
                        {"consent_source", {{"type", "string"},
                                            {"description", "where consent was given, e.g. \"site form\" "
                                                            "(default: the channel); only with consent"}}}},
                       {"channel"});
  intake["additionalProperties"] = false;
  intake["description"] = "A lead from a channel. At least one of phone and email; a phone lead needs phone.";
  s["Intake"] = intake;
  s["Move"] = Object({{"to", str}, {"version", integer}}, {"to"});
  s["Check"] = Object({{"item", str}, {"checked", {{"type", "boolean"}}}}, {"item"});
  json fields = {{"type", "object"}, {"description", "process fields; *_at, *date*, *deadline* take ISO 8601 times"}};
  s["Lost"] = Object({{"reason", str}, {"fields", fields}, {"version", integer}}, {"reason"});
  s["ProcessFields"] = Object({{"fields", fields}}, {"fields"});
  s["Scoring"] = Object({{"knockouts", {{"type", "object"}, {"description", "knock-out code → true when failed"}}},
                         {"values", {{"type", "object"}, {"description", "parameter code → -1, 0 or 1; all required"}}},
                         {"version", integer}},
                        {"values"});
  s["TeamCalendar"] = {{"type", "object"}, {"required", {"yaml"}},
                       {"properties", {{"yaml", {{"type", "string"}, {"nullable", true}, {"description", "calendar YAML: time_zone, working_hours, days_off, production_calendar, extra_holidays"}}}}}};
  s["PipelinePublish"] = Object({{"yaml", str}}, {"yaml"});
  json kopecks = {{"type", "integer"}, {"description", "kopecks"}};
  s["SalesPlan"] = Object({{"month", str}, {"revenue_plan", kopecks}, {"break_even", kopecks},
                          {"base_month", str}, {"average_sale", kopecks}, {"pipeline", str},
                          {"steps", {{"type", "array"}, {"items", str}}},
                          {"managers", {{"type", "array"}, {"items", Object({{"user_id", integer}, {"weight", integer},
                                                                           {"first_day", integer}}, {"user_id"})}}}},
                         {"revenue_plan"});
  s["PipelineMigrate"] = Object({{"to_version", integer}}, {"to_version"});
  s["ExternalEvent"] = Object({{"name", str}}, {"name"});
  s["IntakeResult"] = Object({{"deal", {{"$ref", "#/components/schemas/Deal"}}},
                              {"contact", {{"$ref", "#/components/schemas/Contact"}}},
                              {"contact_created", {{"type", "boolean"}}},
                              {"accepted", {{"type", "boolean"},
                                            {"description", "the only field answered to an intake-scoped token"}}}});
  return s;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

json BuildOpenApi(const Router& router) {
  json schemas = StaticSchemas();
  for (const auto* spec : domain::RecordEntities()) AddEntitySchemas(schemas, *spec);
  AddEntitySchemas(schemas, domain::UsersSpec());

  json paths = json::object();
  json error_ref = {{"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  for (const auto& r : router.routes()) {
    json op = {{"summary", r.doc.summary}, {"tags", {r.doc.tag}},
               {"operationId", Lower(r.method) + r.pattern}};
    json params = json::array();
    for (const auto& seg : r.segments)
      if (seg.size() > 2 && seg.front() == '{')
        params.push_back({{"name", seg.substr(1, seg.size() - 2)}, {"in", "path"}, {"required", true},
                          {"schema", {{"type", seg == "{id}" ? "integer" : "string"}}}});
    for (const auto& q : r.doc.query) params.push_back({{"name", q}, {"in", "query"}, {"schema", {{"type", "string"}}}});
    if (r.method == "POST" && r.doc.success_status == 201)
      params.push_back({{"name", "Idempotency-Key"}, {"in", "header"}, {"schema", {{"type", "string"}}},
                        {"description", "a retry with the same key returns the first answer and creates nothing"}});
    if (!params.empty()) op["parameters"] = params;
    if (!r.doc.request_schema.empty())
      op["requestBody"] = {{"required", true},
                           {"content",
                            {{"application/json",
                              {{"schema", {{"$ref", "#/components/schemas/" + r.doc.request_schema}}}}}}}};
    json ok_schema = r.doc.response_schema.empty() ? json{{"type", "object"}}
                                                   : json{{"$ref", "#/components/schemas/" + r.doc.response_schema}};
    op["responses"][std::to_string(r.doc.success_status)] = {
        {"description", "success"}, {"content", {{"application/json", {{"schema", ok_schema}}}}}};
    json e400 = error_ref, e401 = error_ref, e403 = error_ref, e404 = error_ref, e409 = error_ref, e422 = error_ref;
    e400["description"] = "malformed input: the message names the field";
    op["responses"]["400"] = e400;
    if (r.auth != Auth::kPublic) {
      e401["description"] = "not logged in";
      e403["description"] = "not allowed for this role or record";
      op["responses"]["401"] = e401;
      op["responses"]["403"] = e403;
      op["security"] = {{{"session", json::array()}}, {{"token", json::array()}}};
    }
    if (r.pattern.find("{id}") != std::string::npos) {
      e404["description"] = "no such record";
      op["responses"]["404"] = e404;
    }
    if (r.method == "PATCH" || r.pattern.find("/archive") != std::string::npos) {
      e409["description"] = "stale version: the body carries the current record";
      op["responses"]["409"] = e409;
    }
    if (r.method == "POST" || r.method == "PATCH") {
      e422["description"] = "refers to an unknown record or breaks a rule";
      op["responses"]["422"] = e422;
    }
    paths[r.pattern][Lower(r.method)] = op;
  }

  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Voronka API"},
            {"version", "0.1.0"},
            {"description",
             "Sales-process CRM. Money is in minor units (kopecks) with a currency; times are ISO 8601. "
             "Every write carries the record's version; a stale version gets 409 with the current record. "
             "Errors: {\"error\": {\"code\", \"message\", \"field\"}}."}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes",
             {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "voronka_session"}}},
              {"token", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace voronka::http
