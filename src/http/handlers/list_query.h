#pragma once
// Turns a list request's query string into a storage::ListQuery, rejecting unknown
// parameters and malformed values with a message that lists what is accepted.

#include "domain/entity.h"
#include "http/context.h"
#include "storage/records.h"

namespace voronka::http {

storage::ListQuery ParseListQuery(const Context& ctx, const domain::EntitySpec& spec);

// The documented query parameters of a list route for `spec`.
std::vector<std::string> ListQueryNames(const domain::EntitySpec& spec);

}  // namespace voronka::http
