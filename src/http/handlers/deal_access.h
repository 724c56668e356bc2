#pragma once
// Record-level access checks shared by the record and process handlers.

#include "domain/entity.h"
#include "http/context.h"
#include "storage/db.h"

namespace voronka::http {

// 404 when the record is missing, 403 when it is outside the caller's read (or write) scope.
void RequireAccess(storage::Tx& tx, const Context& ctx, const domain::EntitySpec& spec, int64_t id, bool write);

}  // namespace voronka::http
