#include "intake/intake.h"

#include <algorithm>

#include "common/text.h"
#include "domain/entity.h"
#include "domain/validate.h"
#include "process/work_time.h"
#include "routing/routing_store.h"
#include "storage/process_store.h"
#include "storage/records.h"

namespace voronka::intake {

using nlohmann::json;

namespace {

const char* kChannels[] = {"site_form", "email", "phone", "messenger"};

Result<std::optional<std::string>> OptString(const json& body, const char* field, size_t max_len) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Error::Invalid(field, std::string(field) + " must be a string");
  std::string s(Trim(it->get<std::string>()));
  if (s.size() > max_len)
    return Error::Invalid(field, std::string(field) + " must be at most " + std::to_string(max_len) + " bytes");
  if (s.empty()) return std::optional<std::string>();
  return std::optional<std::string>(s);
}

std::string ActivityType(const std::string& channel) {
  if (channel == "phone") return "call";
  if (channel == "email") return "email";
  if (channel == "messenger") return "message";
  return "note";
}

std::string ChannelTitle(const std::string& channel) {
  if (channel == "phone") return "Звонок";
  if (channel == "email") return "Письмо";
  if (channel == "messenger") return "Мессенджер";
  return "Заявка с сайта";
}

std::optional<int64_t> FindContact(storage::Tx& tx, const std::string& kind, const std::string& value) {
  auto rows = tx.Query("SELECT contact_id FROM contact_identities WHERE kind = ? AND value = ?", {kind, value});
  if (rows.empty()) return std::nullopt;
  return rows[0].Int(0);
}

domain::FieldValues Values(const domain::EntitySpec& spec, const json& body) {
  auto r = domain::ValidateCreate(spec, body);
  if (!r.ok()) throw ErrorException{r.error()};
  return r.value();
}

}  // namespace

Result<IntakeRequest> ParseIntake(const json& body) {
  if (!body.is_object()) return Error::Invalid("", "request body must be a JSON object");
  static const char* known[] = {"channel", "name", "phone", "email", "company", "message", "title", "amount",
                                "product", "region", "time_zone", "utm", "consent", "consent_source"};
  for (auto& [k, v] : body.items()) {
    bool ok = false;
    for (auto* n : known) ok = ok || k == n;
    if (!ok) return Error::Invalid(k, "unknown field '" + k + "' for intake");
  }
  IntakeRequest r;
  auto channel = body.find("channel");
  if (channel == body.end() || !channel->is_string())
    return Error::Invalid("channel", "field 'channel' is required: site_form, email, phone or messenger");
  r.channel = channel->get<std::string>();
  bool known_channel = false;
  for (auto* c : kChannels) known_channel = known_channel || r.channel == c;
  if (!known_channel) return Error::Invalid("channel", "channel must be one of: site_form, email, phone, messenger");

  auto phone = OptString(body, "phone", 40);
  if (!phone.ok()) return phone.error();
  if (phone.value()) {
    r.phone = NormalizePhone(*phone.value());
    if (!r.phone) return Error::Invalid("phone", "phone '" + *phone.value() + "' is not a valid phone number");
  }
  auto email = OptString(body, "email", 254);
  if (!email.ok()) return email.error();
  if (email.value()) {
    r.email = NormalizeEmail(*email.value());
    if (!r.email) return Error::Invalid("email", "email '" + *email.value() + "' is not a valid e-mail address");
  }
  if (!r.phone && !r.email) return Error::Invalid("phone", "a lead needs a phone or an e-mail");
  if (r.channel == "phone" && !r.phone) return Error::Invalid("phone", "a phone lead needs the caller's phone");

  struct Opt {
    const char* field;
    std::optional<std::string>* out;
    size_t max;
  } opts[] = {{"company", &r.company, 200}, {"message", &r.message, 20000}, {"title", &r.title, 200},
              {"product", &r.product, 200}, {"region", &r.region, 200},     {"time_zone", &r.time_zone, 64},
              {"consent_source", &r.consent_source, 200}};
  for (auto& o : opts) {
    auto v = OptString(body, o.field, o.max);
    if (!v.ok()) return v.error();
    *o.out = v.value();
  }
  auto name = OptString(body, "name", 200);
  if (!name.ok()) return name.error();
  r.name = name.value().value_or(r.phone ? *r.phone : *r.email);

  if (auto it = body.find("amount"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0)
      return Error::Invalid("amount", "amount must be a non-negative integer in kopecks");
    r.amount = it->get<int64_t>();
  }
  if (auto it = body.find("consent"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return Error::Invalid("consent", "consent must be true or false");
    r.consent = it->get<bool>();
  }
  if (r.consent_source && r.consent_source->find_first_of("\r\n") != std::string::npos)
    return Error::Invalid("consent_source", "consent_source must be a single line");
  if (r.consent_source && !r.consent)
    return Error::Invalid("consent_source", "consent_source goes with consent: true or false");
  if (r.consent && !r.consent_source) r.consent_source = r.channel;
  if (r.time_zone) {
    auto tz = domain::ValidateField(*domain::FindEntity("contacts")->Find("time_zone"), *r.time_zone);
    if (!tz.ok()) return tz.error();
  }
  if (auto it = body.find("utm"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return Error::Invalid("utm", "utm must be an object of strings");
    for (auto& [k, v] : it->items())
      if (!v.is_string() || k.size() > 64 || v.get<std::string>().size() > 200)
        return Error::Invalid("utm", "utm." + k + " must be a string of at most 200 bytes");
    r.utm = *it;
  }
  return r;
}

Result<IntakeResult> RunIntake(storage::Tx& tx, const IntakeRequest& req, const domain::Principal& by, TimeMs now) {
  try {
    const auto& contacts = *domain::FindEntity("contacts");
    const auto& companies = *domain::FindEntity("companies");
    const auto& deals = *domain::FindEntity("deals");
    const auto& activities = *domain::FindEntity("activities");
    storage::Actor actor{by.user_id, now};

    // A manager taking the call keeps the lead; otherwise the head's routing rules decide.
    std::optional<int64_t> assignee;
    std::optional<routing::Choice> routed;
    if (by.role == domain::Role::kManager && !by.via_token) {
      assignee = by.user_id;
    } else {
      routed = routing::RouteLead(tx, {req.channel, req.region.value_or(""), req.product.value_or(""), ""}, now);
      if (routed) assignee = routed->user_id;
    }

    IntakeResult out;
    std::optional<int64_t> contact_id;
    if (req.phone) contact_id = FindContact(tx, "phone", *req.phone);
    if (!contact_id && req.email) contact_id = FindContact(tx, "email", *req.email);

    if (contact_id) {
      // Known person: add the identity we did not have yet (if nobody else owns it).
      auto current = storage::GetRecord(tx, contacts, *contact_id, now);
      if (!current.ok()) return current.error();
      json patch = {{"version", current.value()["version"]}};
      auto add = [&](const char* field, const std::optional<std::string>& v, const char* kind) {
        if (!v) return;
        json list = current.value()[field];
        if (std::find(list.begin(), list.end(), *v) != list.end()) return;
        if (FindContact(tx, kind, *v)) return;
        list.push_back(*v);
        patch[field] = list;
      };
      add("phones", req.phone, "phone");
      add("emails", req.email, "email");
      if (req.consent) {
        patch["consent"] = *req.consent;
        patch["consent_source"] = *req.consent_source;
        patch["consent_at"] = FormatIso(now);
      }
      out.contact = current.value();
      if (patch.size() > 1) {
        int64_t version = 0;
        auto values = domain::ValidatePatch(contacts, patch, &version);
        if (!values.ok()) return values.error();
        auto updated = storage::UpdateRecord(tx, contacts, *contact_id, version, values.value(), actor);
        if (!updated.ok()) return updated.error();
        out.contact = updated.value();
      }
    } else {
      json body = {{"name", req.name}};
      if (req.phone) body["phones"] = {*req.phone};
      if (req.email) body["emails"] = {*req.email};
      if (req.time_zone) body["time_zone"] = *req.time_zone;
      if (assignee) body["responsible_id"] = *assignee;
      if (req.consent) {
        body["consent"] = *req.consent;
        body["consent_source"] = *req.consent_source;
        body["consent_at"] = FormatIso(now);
      }
      if (req.company) {
        auto rows = tx.Query("SELECT id FROM companies WHERE name = ? AND archived = 0 ORDER BY id LIMIT 1",
                             {*req.company});
        if (!rows.empty()) {
          body["company_id"] = rows[0].Int(0);
        } else {
          json cbody = {{"name", *req.company}};
          if (assignee) cbody["responsible_id"] = *assignee;
          auto company = storage::CreateRecord(tx, companies, Values(companies, cbody), actor);
          if (!company.ok()) return company.error();
          body["company_id"] = company.value()["id"];
        }
      }
      auto created = storage::CreateRecord(tx, contacts, Values(contacts, body), actor);
      if (!created.ok()) return created.error();
      out.contact = created.value();
      out.contact_created = true;
    }

    json deal = {{"title", req.title.value_or(ChannelTitle(req.channel) + ": " + req.name)},
                 {"channel", req.channel},
                 {"contact_id", out.contact["id"]}};
    if (!out.contact["company_id"].is_null()) deal["company_id"] = out.contact["company_id"];
    if (assignee) deal["responsible_id"] = *assignee;
    if (req.amount) deal["amount"] = *req.amount;
    if (req.product) deal["product"] = *req.product;
    if (req.region) deal["region"] = *req.region;
    if (req.message) deal["description"] = *req.message;
    auto created_deal = storage::CreateRecord(tx, deals, Values(deals, deal), actor);
    if (!created_deal.ok()) return created_deal.error();
    out.deal = created_deal.value();
    if (routed) routing::RecordAssignment(tx, out.deal["id"].get<int64_t>(), *routed, now);
    // The process takes over: first-stage tasks, deadlines and routing by channel.
    process::Event created{process::Event::Kind::kCreated, "", "", {{"channel", req.channel}}};
    auto started = storage::RunProcessEvent(tx, out.deal["id"].get<int64_t>(), created, std::nullopt, actor,
                                            process::DefaultWorkTime());
    if (!started.ok()) return started.error();
    out.deal = storage::GetRecord(tx, deals, out.deal["id"].get<int64_t>(), now).value();

    json act = {{"type", ActivityType(req.channel)},
                {"deal_id", out.deal["id"]},
                {"contact_id", out.contact["id"]},
                {"goal", "Входящая заявка (" + req.channel + ")"}};
    std::string body_text = req.message.value_or("");
    if (!req.utm.empty()) body_text += (body_text.empty() ? "" : "\n") + std::string("UTM: ") + req.utm.dump();
    if (!body_text.empty()) act["body"] = body_text;
    auto activity_values = Values(activities, act);
    domain::SetValue(activity_values, activities.Find("author_id"), by.user_id);
    auto activity = storage::CreateRecord(tx, activities, activity_values, actor);
    if (!activity.ok()) return activity.error();
    return out;
  } catch (const ErrorException& e) {
    return e.error;
  }
}

}  // namespace voronka::intake
