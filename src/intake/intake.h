#pragma once
// Lead intake: a request from a channel (site form, e-mail, phone call, messenger) becomes
// a deal in the first stage of the default pipeline, linked to a contact that is found by
// normalised phone or e-mail, or created. The lead is assigned at once: to the manager
// who took the call, else in turn to the managers who take leads.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/time.h"
#include "domain/access.h"
#include "storage/db.h"

namespace voronka::intake {

struct IntakeRequest {
  std::string channel;  // site_form | email | phone | messenger
  std::string name;
  std::optional<std::string> phone;  // normalised E.164
  std::optional<std::string> email;  // normalised
  std::optional<std::string> company;
  std::optional<std::string> message;
  std::optional<std::string> title;
  std::optional<int64_t> amount;  // kopecks
  std::optional<std::string> product;
  std::optional<std::string> region;
  std::optional<std::string> time_zone;
  nlohmann::json utm = nlohmann::json::object();  // utm_source, utm_medium, utm_campaign, …
  // Consent to the processing of personal data, where it was given (default: the channel);
  // kept on the contact with the time of the request. Absent: the contact's consent stays.
  std::optional<bool> consent;
  std::optional<std::string> consent_source;
};

// Validates a request body (pure). Errors name the field.
Result<IntakeRequest> ParseIntake(const nlohmann::json& body);

struct IntakeResult {
  nlohmann::json deal;
  nlohmann::json contact;
  bool contact_created = false;
};

// Writes the lead inside `tx`.
Result<IntakeResult> RunIntake(storage::Tx& tx, const IntakeRequest& req, const domain::Principal& by, TimeMs now);

}  // namespace voronka::intake
