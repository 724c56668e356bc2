#include "http/idempotency.h"

#include "common/random.h"

namespace voronka::http {

namespace {

Response Once(Context& ctx, storage::Tx& tx, const std::optional<std::string>& key, const std::string& principal,
              const std::string& request_hash, const std::function<Response(storage::Tx&)>& write) {
  if (!key) {
    Response res = write(tx);
    if (res.status < 300) tx.Commit();
    return res;
  }
  auto rows = tx.Query("SELECT request_hash, status, response FROM idempotency_keys WHERE principal = ? AND idem_key = ?",
                       {principal, *key});
  if (!rows.empty()) {
    if (rows[0].Text(0) != request_hash)
      Fail(Error::Unprocessable("Idempotency-Key",
                                "this Idempotency-Key was already used for a different request; use a new key"));
    Response res;
    res.status = static_cast<int>(rows[0].Int(1));
    res.body = rows[0].Text(2);
    res.headers.emplace_back("Idempotent-Replayed", "true");
    return res;
  }
  Response res = write(tx);
  if (res.status >= 300) return res;  // not committed: undone
  tx.Exec("INSERT INTO idempotency_keys (principal, idem_key, request_hash, status, response, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {principal, *key, request_hash, int64_t(res.status), res.body, ctx.now});
  tx.Commit();
  return res;
}

}  // namespace

Response IdempotentWrite(Context& ctx, const std::function<Response(storage::Tx&)>& write) {
  auto key = ctx.req.Header("idempotency-key");
  if (key && (key->empty() || key->size() > 200))
    Fail(Error::Invalid("Idempotency-Key", "Idempotency-Key header must be 1 to 200 characters"));
  std::string principal = std::to_string(ctx.user().user_id);
  std::string request_hash = key ? Sha256Hex(ctx.req.method + " " + ctx.req.path + "\n" + ctx.req.body) : "";
  Response res;
  ctx.app.db.Write([&](storage::Tx& tx) { res = Once(ctx, tx, key, principal, request_hash, write); });
  return res;
}

}  // namespace voronka::http
