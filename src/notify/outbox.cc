#include "notify/outbox.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "domain/entity.h"
#include "notify/template.h"
#include "storage/records.h"

namespace voronka::notify {

namespace {

using nlohmann::json;

constexpr TimeMs kMinute = 60'000;
constexpr TimeMs kHour = 60 * kMinute;

struct DueRow {
  int64_t id = 0;
  std::optional<int64_t> deal_id{};
  std::string payload{};
  TimeMs next_attempt_at = 0;
};

enum class Outcome { kSent, kSkipped, kFailed, kGiveUp };

struct Attempt {
  Outcome outcome = Outcome::kFailed;
  std::string error{};
};

// What is known about a row before sending: how to describe it, and the message or why not.
struct Prepared {
  std::string what = "email";  // "email rejection_c" for the log
  std::optional<Message> message{};
  Attempt instead{};  // when there is no message
};

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<json> Load(storage::Tx& tx, const char* entity, const json& id, TimeMs now) {
  if (!id.is_number_integer()) return std::nullopt;
  auto r = storage::GetRecord(tx, *domain::FindEntity(entity), id.get<int64_t>(), now);
  if (!r.ok()) return std::nullopt;
  return std::move(r).value();
}

// Loads the templates once per delivery pass, and only when some row needs them.
class Templates {
 public:
  explicit Templates(const SmtpConfig& cfg) : cfg_(cfg) {}
  Result<const EmailTemplate*> Find(const std::string& code) {
    if (cfg_.templates_dir.empty()) return TemplateSet::Shipped().Find(code);
    if (!loaded_) loaded_.emplace(TemplateSet::LoadDirectory(cfg_.templates_dir));
    if (!loaded_->ok()) return loaded_->error();
    return loaded_->value().Find(code);
  }

 private:
  const SmtpConfig& cfg_;
  std::optional<Result<TemplateSet>> loaded_;
};

Prepared Prepare(storage::Database& db, const SmtpConfig& cfg, Templates& templates, const DueRow& row, TimeMs now) {
  Prepared out;
  auto give_up = [&](std::string why) {
    out.instead = {Outcome::kGiveUp, std::move(why)};
    return out;
  };
  json payload = json::parse(row.payload, nullptr, false);
  std::string code = payload.is_object() ? Text(payload, "template") : std::string();
  if (code.empty()) return give_up("bad outbox payload (expected {\"template\": …, \"to\": …}): " + row.payload);
  out.what = "email " + code;
  std::string to = payload.contains("to") ? Text(payload, "to") : "contact";
  if (!row.deal_id) return give_up("the outbox row names no deal");

  auto tx = db.Begin(storage::TxMode::kRead);
  auto deal = Load(*tx, "deals", *row.deal_id, now);
  if (!deal) return give_up("deal " + std::to_string(*row.deal_id) + " does not exist");
  auto contact = Load(*tx, "contacts", deal->value("contact_id", json()), now);
  auto manager = Load(*tx, "users", deal->value("responsible_id", json()), now);
  tx.reset();

  Message message;
  std::string locale = cfg.locale;
  if (to == "contact") {
    if (contact) {
      const json emails = contact->value("emails", json::array());
      if (emails.is_array() && !emails.empty() && emails[0].is_string()) message.to = emails[0];
      message.to_name = Text(*contact, "name");
    }
  } else if (to == "responsible") {
    if (manager) {
      message.to = Text(*manager, "email");
      message.to_name = Text(*manager, "name");
      if (std::string l = Text(*manager, "locale"); !l.empty()) locale = l;
    }
  } else {
    return give_up("unknown recipient '" + to + "' (expected contact or responsible)");
  }
  if (message.to.empty()) {
    out.instead = {Outcome::kSkipped, "no e-mail address"};
    return out;
  }

  std::map<std::string, std::string, std::less<>> values = cfg.variables;
  auto set = [&](const char* name, std::string value) {
    if (!value.empty()) values[name] = std::move(value);
  };
  set("deal_title", Text(*deal, "title"));
  if (contact) set("contact_name", Text(*contact, "name"));
  if (manager) set("manager_name", Text(*manager, "name"));
  if (manager) set("manager_email", Text(*manager, "email"));
  set("company_name", cfg.company_name);

  auto tmpl = templates.Find(code);
  if (!tmpl.ok()) {
    out.instead = {Outcome::kFailed, tmpl.error().message};
    return out;
  }
  auto rendered = Render(*tmpl.value(), locale, values);
  if (!rendered.ok()) {
    out.instead = {Outcome::kFailed, rendered.error().message};
    return out;
  }
  message.subject = std::move(rendered->subject);
  message.body = std::move(rendered->body);
  message.date = now;
  out.message = std::move(message);
  return out;
}

// Records the outcome of an attempt (the attempts-th) in one transaction.
void Finish(storage::Database& db, const DueRow& row, int attempts, const std::string& what,
            const std::string& recipient, Attempt result, TimeMs now) {
  if (result.outcome == Outcome::kFailed && attempts >= kMaxAttempts) {
    result.outcome = Outcome::kGiveUp;
  }
  std::string log;
  db.Write([&](storage::Tx& tx) {
    switch (result.outcome) {
      case Outcome::kSent:
        tx.Exec("UPDATE outbox SET done_at = ?, last_error = NULL WHERE id = ?", {now, row.id});
        log = what + " sent to " + recipient;
        break;
      case Outcome::kSkipped:
        tx.Exec("UPDATE outbox SET done_at = ?, last_error = ? WHERE id = ?", {now, result.error, row.id});
        log = what + " not sent: " + result.error;
        break;
      case Outcome::kFailed:
        tx.Exec("UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
                {now + RetryDelay(attempts), result.error, row.id});
        break;
      case Outcome::kGiveUp:
        tx.Exec("UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?", {kGaveUp, result.error, row.id});
        log = what + " not sent after " + std::to_string(attempts) + (attempts == 1 ? " attempt: " : " attempts: ") +
              result.error;
        break;
    }
    if (!log.empty() && row.deal_id) {
      tx.Exec("INSERT INTO process_log (deal_id, at, user_id, event, effect) VALUES (?, ?, NULL, 'outbox', ?)",
              {*row.deal_id, now, log});
    }
    tx.Commit();
  });
}

}  // namespace

TimeMs RetryDelay(int attempts) {
  if (attempts < 1) attempts = 1;
  if (attempts > 7) return kHour;  // 2^6 min already exceeds the cap
  return std::min(kHour, kMinute << (attempts - 1));
}

DeliveryReport DeliverOutbox(storage::Database& db, const SmtpConfig& cfg, TimeMs now, int limit,
                             const std::atomic<bool>* cancel) {
  DeliveryReport report;
  std::vector<DueRow> due;
  {
    auto tx = db.Begin(storage::TxMode::kRead);
    for (const auto& r : tx->Query("SELECT id, deal_id, payload, next_attempt_at FROM outbox "
                                   "WHERE kind = 'email' AND done_at IS NULL AND next_attempt_at <= ? "
                                   "ORDER BY next_attempt_at, id LIMIT ?",
                                   {now, int64_t{limit}})) {
      due.push_back({r.Int(0), r.MaybeInt(1), r.Text(2), r.Int(3)});
    }
  }
  Templates templates(cfg);
  for (const DueRow& row : due) {
    if (cancel && cancel->load()) break;
    std::optional<int> attempts;
    db.Write([&](storage::Tx& tx) {
      auto claimed = tx.Query(
          "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? "
          "WHERE id = ? AND next_attempt_at = ? AND done_at IS NULL RETURNING attempts",
          {now + kClaimLease, row.id, row.next_attempt_at});
      if (!claimed.empty()) attempts = static_cast<int>(claimed[0].Int(0));
      tx.Commit();
    });
    if (!attempts) continue;  // another worker has it

    Prepared p = Prepare(db, cfg, templates, row, now);
    Attempt result = p.instead;
    std::string recipient;
    if (p.message) {
      recipient = p.message->to;
      Status sent = SendMail(cfg, *p.message);
      if (sent.ok()) {
        result = {Outcome::kSent, {}};
      } else {
        // A malformed stored address will not improve; a bad url or From can be fixed in the config.
        bool hopeless = sent.error().code == Code::kInvalid && sent.error().field == "to";
        result = {hopeless ? Outcome::kGiveUp : Outcome::kFailed, sent.error().message};
      }
    }
    Finish(db, row, *attempts, p.what, recipient, result, now);
    switch (result.outcome) {
      case Outcome::kSent:
        ++report.sent;
        break;
      case Outcome::kSkipped:
        ++report.skipped;
        break;
      default:
        ++report.failed;
        break;
    }
  }
  return report;
}

Status CheckMailConfig(const SmtpConfig& cfg) {
  std::vector<std::string> problems;
  if (cfg.url.rfind("smtp://", 0) != 0 && cfg.url.rfind("smtps://", 0) != 0)
    problems.push_back("smtp url must start with smtp:// or smtps:// (got '" + cfg.url + "')");
  if (auto from = ParseMailbox(cfg.from, "from"); !from.ok()) problems.push_back("from: " + from.error().message);
  if (cfg.locale != "ru" && cfg.locale != "en")
    problems.push_back("locale must be ru or en (got '" + cfg.locale + "')");
  if (cfg.timeout_s < 1) problems.push_back("timeout_s must be at least 1");
  if (cfg.templates_dir.empty()) {
    (void)TemplateSet::Shipped();  // throws on a build bug
  } else {
    auto set = TemplateSet::LoadDirectory(cfg.templates_dir);
    if (!set.ok()) {
      problems.push_back(set.error().message);
    } else {
      for (const auto& m : set->problems()) problems.push_back(m.ToString());
      if (set->Codes().empty() && set->problems().empty())
        problems.push_back("no e-mail templates (*.yaml) in " + cfg.templates_dir);
    }
  }
  if (problems.empty()) return Status::Ok();
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
  return Error::Invalid("smtp", message);
}

OutboxWorker::OutboxWorker(storage::Database& db, SmtpConfig cfg, const Clock& clock, std::chrono::milliseconds poll)
    : db_(db), cfg_(std::move(cfg)), clock_(clock), poll_(poll) {}

OutboxWorker::~OutboxWorker() { Stop(); }

void OutboxWorker::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void OutboxWorker::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void OutboxWorker::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    try {
      DeliveryReport r = DeliverOutbox(db_, cfg_, clock_.NowMs(), 50, &stop_);
      if (r.sent + r.failed + r.skipped > 0)
        spdlog::info("outbox: {} e-mails sent, {} failed, {} skipped", r.sent, r.failed, r.skipped);
    } catch (const std::exception& e) {
      spdlog::warn("outbox: delivery pass failed: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, poll_, [this] { return stop_.load(); });
  }
}

}  // namespace voronka::notify
