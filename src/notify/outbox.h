#pragma once
// The e-mail executor: sends what the process engine queued in `outbox` (kind 'email',
// payload {"template": "rejection_c", "to": "contact" | "responsible"}) after its transaction
// committed, each row at most once however many workers run.
//
// A row is due while done_at IS NULL and next_attempt_at <= now. Delivering it:
//   1. claim — one committed UPDATE: attempts + 1, next_attempt_at = now + kClaimLease, only if
//      next_attempt_at still holds the value read (another worker that claimed it first wins);
//   2. resolve the recipient — "contact": the deal's contact's first e-mail; "responsible": the
//      deal's manager's e-mail — and render the template with {{contact_name}},
//      {{deal_title}}, {{manager_name}}, {{manager_email}}, {{company_name}} (from the config),
//      SmtpConfig::variables and the template's defaults, in cfg.locale for a contact and in
//      the manager's own locale for a manager;
//   3. send, then record the outcome in one transaction:
//      sent     → done_at = now, last_error NULL, process_log "email <t> sent to <address>";
//      skipped  → no address: done_at = now, last_error "no e-mail address", process_log;
//      failed   → last_error = the reason, next_attempt_at = now + RetryDelay(attempts);
//      given up → after kMaxAttempts, or at once when retrying cannot help (no such deal, an
//                 unknown recipient kind, a malformed payload or address): done_at stays NULL,
//                 next_attempt_at = kGaveUp, last_error kept, process_log "… not sent: …".
// A template error (unknown template, a broken file, a variable without a value) is a failure
// like an SMTP one: nothing is sent, and the row is retried — templates_dir can be fixed.
//
// If the process dies after the server accepted a message but before step 3 commits, the row
// is sent again once the lease expires: at-most-once holds between live workers only.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/result.h"
#include "common/time.h"
#include "notify/smtp.h"
#include "storage/db.h"

namespace voronka::notify {

inline constexpr int kMaxAttempts = 10;
// Longer than one send can take (SmtpConfig::timeout_s) by a wide margin.
inline constexpr TimeMs kClaimLease = 10 * 60'000;
// 9999-12-31T23:59:59.999Z: a row that gave up is never due again.
inline constexpr TimeMs kGaveUp = 253'402'300'799'999;

// Wait after the attempts-th failed attempt: 1 min, 2, 4, … capped at 1 h.
TimeMs RetryDelay(int attempts);

struct DeliveryReport {
  int sent = 0, failed = 0, skipped = 0;
};

// Delivers up to `limit` due e-mails at `now`, one by one (see above). Rows another worker
// claimed in the meantime are left alone and not counted. When `cancel` becomes true it
// stops before the next row. Throws storage::DbError when the database fails; a row claimed
// before that is retried after the lease.
DeliveryReport DeliverOutbox(storage::Database& db, const SmtpConfig& cfg, TimeMs now, int limit = 50,
                             const std::atomic<bool>* cancel = nullptr);

// For `serve` at start: the URL scheme, the From address, the locale, and every template
// (cfg.templates_dir or the shipped ones) parsing cleanly. Error kInvalid listing every problem.
Status CheckMailConfig(const SmtpConfig& cfg);

// Runs DeliverOutbox on its own thread every `poll` (default 1 s) with clock.NowMs(), so the
// engine never waits for SMTP. Database errors are logged and retried on the next poll.
// `db` and `clock` must outlive the worker. Start and Stop are called from one thread.
class OutboxWorker {
 public:
  OutboxWorker(storage::Database& db, SmtpConfig cfg, const Clock& clock,
               std::chrono::milliseconds poll = std::chrono::seconds(1));
  ~OutboxWorker();  // Stop()
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Starts the thread; a second Start while running does nothing.
  void Start();
  // Returns once the thread has ended: at once when idle, else after the message being sent
  // (at most cfg.timeout_s); remaining due rows wait for the next start.
  void Stop();

 private:
  void Run();

  storage::Database& db_;
  const SmtpConfig cfg_;
  const Clock& clock_;
  const std::chrono::milliseconds poll_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace voronka::notify
