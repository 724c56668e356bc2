#pragma once
// Idempotency keys: a POST retried with the same Idempotency-Key header (by the same
// principal) gets the first answer back and changes nothing. The key is stored in the
// same transaction as the write it protects, so a crash never leaves one without the other.

#include <functional>
#include <optional>
#include <string>

#include "http/context.h"
#include "storage/db.h"

namespace voronka::http {

// Runs `write` in a write transaction. Without an Idempotency-Key header this is just the
// transaction. With one: a stored answer for the same key is replayed (header
// Idempotent-Replayed: true); the same key with a different body is refused (422); a
// successful (2xx) answer is stored with the write. Error answers are not stored, so a
// corrected retry may use the same key.
Response IdempotentWrite(Context& ctx, const std::function<Response(storage::Tx&)>& write);

}  // namespace voronka::http
